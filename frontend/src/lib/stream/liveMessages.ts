/**
 * The messages of the live stream (`GET /api/stream`, Server-Sent Events) and their decoders.
 * Field names stay as the API sends them. `run_id` is normalised to a string (the database sends a
 * number; the event id `"<run_id>:<seq>"` carries it as text), so runs compare with `===`.
 */
import { expectRecord, expectString } from '../api';
import { simTimeSeconds } from './simTime';

export type RunId = string;

/**
 * `hello`: sent once per connection, naming the live run, its `start_sim` and its newest sample.
 * Samples and events carry only `seq`: sample k is at `start_sim` + k s (`simTimeOf`). A server
 * without a live machine (`SIM_LIVE=false`) says `{"run_id": null, "start_sim": null, "seq": -1}`;
 * its stream carries `job` messages only.
 */
export interface StreamHello {
  run_id: RunId | null;
  /** `start_sim` in seconds since the epoch; `null` without a live run. */
  start_sim: number | null;
  seq: number;
}

/** `sample`: one sample of the live run. `values` holds every catalogue signal; `null` is a sensor dropout. */
export interface LiveSample {
  run_id: RunId;
  seq: number;
  machine_state: string;
  part_id: number | null;
  alarm_code: number | null;
  fault_labels: readonly string[];
  values: Readonly<Record<string, number | null>>;
}

/**
 * `event`: a machine event. `kind` is one of `state_change`, `alarm_raised`, `alarm_acknowledged`,
 * `alarm_reset`, `operator_action`, `fault_injected`, `fault_cleared`, and of the natural variation
 * `wait`, `quench_top_up`, `sensor_glitch` (kept a string: a newer server may add kinds). The
 * server sends no `id` (events are ordered by `seq`); `null` then.
 */
export interface MachineEvent {
  id: number | null;
  run_id: RunId;
  seq: number;
  kind: string;
  code: number | null;
  message: string;
  from_state: string | null;
  to_state: string | null;
  operator: string | null;
  comment: string | null;
  /** Every field as sent. */
  raw: Readonly<Record<string, unknown>>;
}

function expectNumber(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`field "${key}" should be a number`);
  return value;
}

function expectNumberOrNull(record: Record<string, unknown>, key: string): number | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw new Error(`field "${key}" should be a number or null`);
  return Number.isFinite(value) ? value : null;
}

export function expectRunId(record: Record<string, unknown>, key = 'run_id'): RunId {
  const value = record[key];
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  throw new Error(`field "${key}" should be a run id (integer or non-empty string)`);
}

/** An ISO 8601 timestamp (e.g. `start_sim`) as seconds since the epoch. */
export function expectTimeSeconds(record: Record<string, unknown>, key: string): number {
  return simTimeSeconds(expectString(record, key));
}

function expectStringList(record: Record<string, unknown>, key: string): string[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`field "${key}" should be a list of strings`);
  }
  return value;
}

export function decodeStreamHello(raw: unknown): StreamHello {
  const record = expectRecord(raw);
  const seq = expectNumber(record, 'seq');
  if (record.run_id === null || record.run_id === undefined) return { run_id: null, start_sim: null, seq };
  return { run_id: expectRunId(record), start_sim: expectTimeSeconds(record, 'start_sim'), seq };
}

/** A decoder for samples of this catalogue: each listed signal must be present (a number or null). */
export function sampleDecoder(signals: readonly string[]): (raw: unknown) => LiveSample {
  return (raw) => {
    const record = expectRecord(raw);
    const values: Record<string, number | null> = {};
    for (const name of signals) {
      if (!(name in record)) throw new Error(`signal "${name}" is missing`);
      values[name] = expectNumberOrNull(record, name);
    }
    return {
      run_id: expectRunId(record),
      seq: expectNumber(record, 'seq'),
      machine_state: expectString(record, 'machine_state'),
      part_id: expectNumberOrNull(record, 'part_id'),
      alarm_code: expectNumberOrNull(record, 'alarm_code'),
      fault_labels: expectStringList(record, 'fault_labels'),
      values,
    };
  };
}

function optionalText(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' ? value : null;
}

export function decodeMachineEvent(raw: unknown): MachineEvent {
  const record = expectRecord(raw);
  const message = record.message;
  return {
    id: expectNumberOrNull(record, 'id'),
    run_id: expectRunId(record),
    seq: expectNumber(record, 'seq'),
    kind: expectString(record, 'kind'),
    code: expectNumberOrNull(record, 'code'),
    message: typeof message === 'string' ? message : '',
    from_state: optionalText(record, 'from_state'),
    to_state: optionalText(record, 'to_state'),
    operator: optionalText(record, 'operator'),
    comment: optionalText(record, 'comment'),
    raw: record,
  };
}
