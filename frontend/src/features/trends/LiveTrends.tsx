import { useEffect, useMemo } from 'react';
import { isNotFound } from '../../lib/api';
import type { ConnectionSnapshot, LiveStream, SignalCatalogue } from '../../lib/stream';
import { useLiveStatus } from '../../lib/stream/react';
import { TrendChart } from './TrendChart';
import { TrendsMessage } from './TrendsMessage';
import { TRENDS_TEXT } from './trendsText';
import { resolveTrendGroups } from './trendGroups';
import type { TimeWindowSeconds } from './timeWindows';
import { useHistoryBackfill } from './useHistoryBackfill';
import { RedrawPacer, redrawIntervalMs } from './redrawPacer';

function reconnectingText(connection: ConnectionSnapshot): string {
  const retry = connection.retryInMs === null ? '' : ` in ${String(Math.ceil(connection.retryInMs / 1000))} s`;
  return `Live stream interrupted — reconnecting${retry} (attempt ${String(connection.attempt)})…`;
}

function backfillProblem(error: Error | null): string | null {
  if (!error) return null;
  if (isNotFound(error)) return 'History is not available on this server.';
  return `History could not be loaded: ${error.message}`;
}

/**
 * The charts of a connected stream, with a status line (reconnecting, history problems, newest
 * sample) and "Waiting for live data…" over them until the first sample arrives.
 */
export function LiveTrends({
  catalogue,
  stream,
  windowSeconds,
}: {
  catalogue: SignalCatalogue;
  stream: LiveStream;
  windowSeconds: TimeWindowSeconds;
}) {
  const status = useLiveStatus(stream);
  const backfill = useHistoryBackfill(stream, status, windowSeconds);
  const groups = useMemo(() => resolveTrendGroups(catalogue), [catalogue]);
  const pacer = useMemo(() => new RedrawPacer({ perf: stream.perf }), [stream]);
  // The charts register first (child effects run before this one); the pacer then follows the store.
  useEffect(() => {
    const unsubscribe = stream.store.subscribe(() => {
      pacer.notify();
    });
    return () => {
      unsubscribe();
      pacer.dispose();
    };
  }, [pacer, stream]);
  useEffect(() => {
    pacer.setInterval(redrawIntervalMs(windowSeconds));
  }, [pacer, windowSeconds]);
  const { connection, latest } = status;

  if (connection.state === 'unavailable') {
    return <TrendsMessage kind="unavailable">{TRENDS_TEXT.unavailable}</TrendsMessage>;
  }
  const historyProblem = backfillProblem(backfill.error);
  return (
    <>
      <div className="trends__status" data-testid="trends-status" data-stream-state={connection.state}>
        {connection.state === 'reconnecting' && (
          <span className="trends__warning" role="status">
            {reconnectingText(connection)}
          </span>
        )}
        {historyProblem && <span className="trends__note">{historyProblem}</span>}
        {latest && (
          <span className="trends__latest" data-testid="trends-latest" data-seq={latest.seq}>
            run {latest.run_id} · sample {latest.seq} · {latest.machine_state}
          </span>
        )}
      </div>
      <div className="trends__charts" data-empty={status.sampleCount === 0}>
        {groups.map((group) => (
          <TrendChart
            key={group.id}
            title={group.title}
            series={group.series}
            source={stream.store}
            windowSeconds={windowSeconds}
            pacer={pacer}
          />
        ))}
        {status.sampleCount === 0 && <TrendsMessage kind="waiting">{TRENDS_TEXT.waiting}</TrendsMessage>}
      </div>
    </>
  );
}
