import { useQuery } from '@tanstack/react-query';
import type { LiveStatusSnapshot, LiveStream } from '../../lib/stream';
import { backfillWindow } from './historyBackfill';

/**
 * Back-fills the chart window from the database once the run and its newest sample are known, again
 * when the window changes, and after every reconnection (`opens`), so a reload or a dropped
 * connection shows the history, not an empty chart. A window already fetched for this run and
 * connection comes from the query cache (its rows are still in the store).
 */
export function useHistoryBackfill(stream: LiveStream, status: LiveStatusSnapshot, windowSeconds: number) {
  const { runId, sampleCount, connection } = status;
  return useQuery({
    queryKey: ['telemetry-backfill', runId, windowSeconds, connection.opens],
    queryFn: ({ signal }) => {
      if (runId === null) throw new Error('no live run yet');
      return backfillWindow(stream.store, runId, windowSeconds, signal);
    },
    enabled: runId !== null && sampleCount > 0 && connection.state === 'open',
    staleTime: Number.POSITIVE_INFINITY,
  });
}
