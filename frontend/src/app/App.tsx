import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { LiveStreamProvider } from '../lib/stream/react';
import { OperatorTokenDialog } from '../lib/ui';
import { AppShell } from './AppShell';
import { DashboardLayout } from './DashboardLayout';
import { createQueryClient } from './queryClient';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <LiveStreamProvider>
        <AppShell>
          <DashboardLayout />
        </AppShell>
        <OperatorTokenDialog />
      </LiveStreamProvider>
    </QueryClientProvider>
  );
}
