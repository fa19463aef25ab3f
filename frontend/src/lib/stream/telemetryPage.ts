/**
 * History back-fill: `GET /api/telemetry?run_id=R&after_seq=<seq, exclusive>&limit=N` answers one
 * columnar page in ascending `seq` order, the same seq-keyed shape as the live samples, with the
 * run's `start_sim` (sample k is at `start_sim` + k s); `null` is a sensor dropout.
 */
import { expectRecord } from '../api';
import { expectRunId, expectTimeSeconds, type RunId } from './liveMessages';

export const TELEMETRY_PATH = '/api/telemetry';

export interface TelemetryPage {
  run_id: RunId;
  length: number;
  /** `start_sim` of the run, seconds since the epoch. */
  start_sim: number;
  seq: readonly number[];
  /** One column per catalogue signal, each `length` long. */
  signals: Readonly<Record<string, readonly (number | null)[]>>;
}

export interface TelemetryQuery {
  runId: RunId;
  /** Only samples with a larger `seq`. */
  afterSeq?: number;
  limit: number;
}

export function telemetryPath({ runId, afterSeq, limit }: TelemetryQuery): string {
  const params = new URLSearchParams({ run_id: runId });
  if (afterSeq !== undefined) params.set('after_seq', String(Math.floor(afterSeq)));
  params.set('limit', String(limit));
  return `${TELEMETRY_PATH}?${params.toString()}`;
}

function expectColumn(columns: Record<string, unknown>, key: string): unknown[] {
  const column = columns[key];
  if (!Array.isArray(column)) throw new Error(`column "${key}" is missing`);
  return column;
}

function numberColumn(columns: Record<string, unknown>, key: string): number[] {
  return expectColumn(columns, key).map((value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`column "${key}" should hold numbers`);
    return value;
  });
}

function signalColumn(columns: Record<string, unknown>, key: string): (number | null)[] {
  return expectColumn(columns, key).map((value) => {
    if (value === null) return null;
    if (typeof value !== 'number') throw new Error(`column "${key}" should hold numbers or null`);
    return Number.isFinite(value) ? value : null;
  });
}

/** A decoder for pages of this catalogue; every column must be as long as `seq`. */
export function telemetryPageDecoder(signalNames: readonly string[]): (raw: unknown) => TelemetryPage {
  return (raw) => {
    const record = expectRecord(raw);
    const columns = expectRecord(record.columns);
    const seq = numberColumn(columns, 'seq');
    const length = seq.length;
    const signals: Record<string, (number | null)[]> = {};
    for (const name of signalNames) signals[name] = signalColumn(columns, name);
    for (const [name, column] of Object.entries(signals)) {
      if (column.length !== length) {
        throw new Error(`column "${name}" has ${String(column.length)} values, "seq" has ${String(length)}`);
      }
    }
    return { run_id: expectRunId(record), start_sim: expectTimeSeconds(record, 'start_sim'), length, seq, signals };
  };
}
