import type { ReactNode } from 'react';
import { ConnectionStatus } from '../features/health';

export const APP_TITLE = 'Induction Hardening Simulator';

/** Dark HMI header (title, connection) above the page content. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <header className="shell__header">
        <div className="shell__brand">
          <span className="shell__logo" aria-hidden="true" />
          <h1 className="shell__title">{APP_TITLE}</h1>
        </div>
        <ConnectionStatus />
      </header>
      <main className="shell__main">{children}</main>
    </div>
  );
}
