/**
 * History back-fill: `GET /api/telemetry?run_id=R&since=<timestamp_sim, exclusive>&limit=N` answers
 * one columnar page in ascending `seq` order; `null` is a sensor dropout.
 */
import { expectRecord } from '../api';
import { expectRunId, type RunId } from './liveMessages';

export const TELEMETRY_PATH = '/api/telemetry';

export interface TelemetryPage {
  run_id: RunId;
  length: number;
  seq: readonly number[];
  timestamp_sim: readonly string[];
  /** One column per catalogue signal, each `length` long. */
  signals: Readonly<Record<string, readonly (number | null)[]>>;
}

export interface TelemetryQuery {
  runId: RunId;
  /** Only samples strictly later than this `timestamp_sim` (ISO 8601). */
  since?: string;
  limit: number;
}

export function telemetryPath({ runId, since, limit }: TelemetryQuery): string {
  const params = new URLSearchParams({ run_id: runId });
  if (since !== undefined) params.set('since', since);
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

function timestampColumn(columns: Record<string, unknown>, key: string): string[] {
  return expectColumn(columns, key).map((value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new Error(`column "${key}" should hold ISO 8601 timestamps`);
    }
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
    const timestamps = timestampColumn(columns, 'timestamp_sim');
    const signals: Record<string, (number | null)[]> = {};
    for (const name of signalNames) signals[name] = signalColumn(columns, name);
    for (const [name, column] of [['timestamp_sim', timestamps], ...Object.entries(signals)] as const) {
      if (column.length !== length) {
        throw new Error(`column "${name}" has ${String(column.length)} values, "seq" has ${String(length)}`);
      }
    }
    return { run_id: expectRunId(record), length, seq, timestamp_sim: timestamps, signals };
  };
}
