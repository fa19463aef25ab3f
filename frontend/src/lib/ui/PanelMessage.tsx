import type { ReactNode } from 'react';

export type PanelMessageKind = 'loading' | 'empty' | 'unavailable' | 'error';

/** A one-line state of a panel (loading, nothing yet, not on this server, failed); errors are alerts. */
export function PanelMessage({ kind, children }: { kind: PanelMessageKind; children: ReactNode }) {
  return (
    <p className="panel__message" data-kind={kind} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
