const TONE: Record<string, 'ok' | 'warn' | 'alarm' | 'muted'> = {
  queued: 'muted',
  running: 'warn',
  cancelling: 'warn',
  succeeded: 'ok',
  failed: 'alarm',
  cancelled: 'muted',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className="badge" data-tone={TONE[status] ?? 'muted'} data-testid="job-status">
      {status}
    </span>
  );
}
