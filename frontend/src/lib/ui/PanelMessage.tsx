import type { ReactNode } from 'react';

export type PanelMessageKind = 'loading' | 'empty' | 'unavailable' | 'error';

/** A one-line state of a panel (loading, nothing yet, not on this server, failed); errors are alerts. */
export function PanelMessage({ kind, children, testId }: { kind: PanelMessageKind; children: ReactNode; testId?: string }) {
  return (
    <p className="panel__message" data-kind={kind} data-testid={testId} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
