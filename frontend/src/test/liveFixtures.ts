import type { LiveSample, TelemetryPage } from '../lib/stream';

/** A small catalogue for store tests. */
export const TEST_SIGNALS = ['power_kw', 'surface_temp_c'] as const;

export const RUN_START_MS = Date.parse('2026-01-01T00:00:00Z');
/** `start_sim` of the test run, as the hello and the history pages send it. */
export const RUN_START_ISO = '2026-01-01T00:00:00+00:00';
export const RUN_START_S = RUN_START_MS / 1000;

/** Sim time of sample `seq` as ISO 8601: one simulated second apart from `start_sim`. */
export function timestampOf(seq: number): string {
  return new Date(RUN_START_MS + seq * 1000).toISOString().replace('Z', '+00:00');
}

export function timeOf(seq: number): number {
  return RUN_START_MS / 1000 + seq;
}

/** A live sample whose values tell where they came from: `power_kw = seq * 10 + 1`. */
export function liveSample(seq: number, runId = '1', values: Partial<Record<string, number | null>> = {}): LiveSample {
  return {
    run_id: runId,
    seq,
    machine_state: 'HEATING',
    part_id: 7,
    alarm_code: null,
    fault_labels: [],
    values: { power_kw: seq * 10 + 1, surface_temp_c: 20 + seq, ...values },
  };
}

/** A history page whose values tell where they came from: `power_kw = seq * 10 + 2`. */
export function historyPage(seqs: readonly number[], runId = '1'): TelemetryPage {
  return {
    run_id: runId,
    start_sim: RUN_START_S,
    length: seqs.length,
    seq: seqs,
    signals: {
      power_kw: seqs.map((seq) => seq * 10 + 2),
      surface_temp_c: seqs.map((seq) => 20 + seq),
    },
  };
}

export function range(from: number, toExclusive: number): number[] {
  return Array.from({ length: Math.max(0, toExclusive - from) }, (_, index) => from + index);
}

/** The raw JSON of a sample as the server sends it (every signal a top-level key). */
export function sampleJson(seq: number, runId: number | string = 1): Record<string, unknown> {
  const sample = liveSample(seq, String(runId));
  return {
    run_id: runId,
    seq,
    machine_state: sample.machine_state,
    part_id: sample.part_id,
    alarm_code: sample.alarm_code,
    fault_labels: ['coil_water_flow_loss:active'],
    ...sample.values,
  };
}

/** The raw JSON of the stream's hello for run `runId`. */
export function helloJson(runId: number | string = 1, seq = -1): Record<string, unknown> {
  return { run_id: runId, start_sim: RUN_START_ISO, seq };
}

/** A job's view as `GET /api/jobs/{id}` and the stream's `job` messages send it (running, 42 %). */
export function jobViewJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 7,
    status: 'running',
    scenario: 'normal_production',
    seed: 1,
    rows_requested: 50_000,
    rows_written: 0,
    rows_done: 21_000,
    progress: 0.42,
    rows_per_s: 61_744,
    eta_s: 0.47,
    shards: 2,
    run_id: null,
    created_at: '2026-11-25T03:33:01.874106Z',
    started_at: '2026-11-25T03:33:01.880588Z',
    finished_at: null,
    compute_s: null,
    write_s: null,
    error: null,
    ...overrides,
  };
}
