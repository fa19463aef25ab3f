import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { AppShell } from './AppShell';
import { DashboardLayout } from './DashboardLayout';
import { createQueryClient } from './queryClient';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AppShell>
        <DashboardLayout />
      </AppShell>
    </QueryClientProvider>
  );
}
