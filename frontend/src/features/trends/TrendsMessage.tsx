import type { ReactNode } from 'react';

export type TrendsMessageKind = 'loading' | 'waiting' | 'unavailable' | 'error';

/** A one-line state of the panel in place of (or over) the charts; errors are announced as alerts. */
export function TrendsMessage({ kind, children }: { kind: TrendsMessageKind; children: ReactNode }) {
  return (
    <p
      className="trends__message"
      data-testid="trends-message"
      data-kind={kind}
      role={kind === 'error' ? 'alert' : 'status'}
    >
      {children}
    </p>
  );
}
