import { getJson } from '../../lib/api';
import {
  NOMINAL_SAMPLE_PERIOD_S,
  telemetryPageDecoder,
  telemetryPath,
  type MergeReport,
  type RunId,
  type SampleStore,
} from '../../lib/stream';

/** Rows asked beyond the window: samples that arrive while the request is under way. */
export const BACKFILL_MARGIN_ROWS = 60;

type BackfillTarget = Pick<SampleStore, 'lastSeq' | 'capacity' | 'signals' | 'mergeHistory'>;

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
  const windowSamples = Math.ceil(windowSeconds / NOMINAL_SAMPLE_PERIOD_S);
  const lastSeq = store.lastSeq;
  // seqs start at 0: a window reaching before the run's start asks from the start
  const afterSeq = lastSeq === undefined || lastSeq - windowSamples < 0 ? undefined : lastSeq - windowSamples;
  const limit = Math.min(store.capacity, windowSamples + BACKFILL_MARGIN_ROWS);
  const path = telemetryPath({ runId, limit, ...(afterSeq === undefined ? {} : { afterSeq }) });
  const page = await getJson(path, telemetryPageDecoder(store.signals), signal ? { signal } : {});
  return store.mergeHistory(page);
}
