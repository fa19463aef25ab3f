import { getJson } from '../../lib/api';
import {
  NOMINAL_SAMPLE_PERIOD_S,
  simTimeIso,
  telemetryPageDecoder,
  telemetryPath,
  type MergeReport,
  type RunId,
  type SampleStore,
} from '../../lib/stream';

/** Rows asked beyond the window: samples that arrive while the request is under way. */
export const BACKFILL_MARGIN_ROWS = 60;

type BackfillTarget = Pick<SampleStore, 'lastTime' | 'capacity' | 'signals' | 'mergeHistory'>;

/**
 * Fetches the newest `windowSeconds` of run `runId` before the newest held sample and merges it into
 * the store; rows the stream already delivered are kept as they are.
 */
export async function backfillWindow(
  store: BackfillTarget,
  runId: RunId,
  windowSeconds: number,
  signal?: AbortSignal,
): Promise<MergeReport> {
  const lastTime = store.lastTime;
  const since = lastTime === undefined ? undefined : simTimeIso(lastTime - windowSeconds);
  const limit = Math.min(store.capacity, Math.ceil(windowSeconds / NOMINAL_SAMPLE_PERIOD_S) + BACKFILL_MARGIN_ROWS);
  const path = telemetryPath({ runId, limit, ...(since === undefined ? {} : { since }) });
  const page = await getJson(path, telemetryPageDecoder(store.signals), signal ? { signal } : {});
  return store.mergeHistory(page);
}
