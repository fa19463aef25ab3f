import { describe, expect, it } from 'vitest';
import { jobViewJson } from '../../test/liveFixtures';
import { decodeJobView, isActiveJob, newerJobView } from './jobView';

const view = (overrides: Record<string, unknown> = {}) => decodeJobView(jobViewJson(overrides));

describe('job view (GET /api/jobs/{id} and the stream’s job messages)', () => {
  it('decodes every field of the JobView', () => {
    expect(
      decodeJobView(
        jobViewJson({
          status: 'succeeded',
          rows_written: 50_000,
          rows_done: 50_000,
          progress: 1,
          eta_s: 0,
          run_id: 12,
          finished_at: '2026-11-25T03:33:02.2Z',
          compute_s: 0.21,
          write_s: 0.33,
        }),
      ),
    ).toEqual({
      id: 7,
      status: 'succeeded',
      scenario: 'normal_production',
      seed: 1,
      rows_requested: 50_000,
      rows_written: 50_000,
      rows_done: 50_000,
      progress: 1,
      rows_per_s: 61_744,
      eta_s: 0,
      shards: 2,
      run_id: 12,
      created_at: '2026-11-25T03:33:01.874106Z',
      started_at: '2026-11-25T03:33:01.880588Z',
      finished_at: '2026-11-25T03:33:02.2Z',
      compute_s: 0.21,
      write_s: 0.33,
      error: null,
    });
  });

  it('names the field that is wrong (the old progress-only message is refused)', () => {
    expect(() => decodeJobView(jobViewJson({ rows_done: '1' }))).toThrow('field "rows_done" should be a number');
    expect(() =>
      decodeJobView({ id: 7, status: 'running', rows_requested: 10, rows_written: 5, rows_per_s: 1, eta_s: 5 }),
    ).toThrow('field "scenario" should be a string');
  });

  it('tells active jobs from finished ones', () => {
    expect(['queued', 'running', 'cancelling'].map((status) => isActiveJob({ status }))).toEqual([true, true, true]);
    expect(['succeeded', 'failed', 'cancelled'].map((status) => isActiveJob({ status }))).toEqual([false, false, false]);
  });

  it('takes the received view unless it is behind the held one', () => {
    const held = view({ rows_done: 20_000, progress: 0.4 });
    const ahead = view({ rows_done: 30_000, progress: 0.6, eta_s: 0.2 });
    expect(newerJobView(undefined, held)).toBe(held);
    expect(newerJobView(held, ahead)).toBe(ahead);
    // Same rows, newer rates: the received one.
    const sameRows = view({ rows_done: 20_000, rows_per_s: 1 });
    expect(newerJobView(held, sameRows)).toBe(sameRows);
    // Fewer rows (a poll answered before the last message): the held one.
    expect(newerJobView(ahead, held)).toBe(ahead);
    // Another job: untouched.
    expect(newerJobView(held, view({ id: 8 }))).toBe(held);
  });

  it('never reopens a finished job and never goes back to an earlier status', () => {
    const done = view({ status: 'succeeded', rows_done: 50_000, progress: 1 });
    const lateRunning = view({ rows_done: 49_000 });
    expect(newerJobView(done, lateRunning)).toBe(done);
    const cancelling = view({ status: 'cancelling', rows_done: 10_000 });
    expect(newerJobView(cancelling, view({ rows_done: 12_000 }))).toBe(cancelling);
    const running = view({ status: 'running', rows_done: 0 });
    expect(newerJobView(view({ status: 'queued', rows_done: 0 }), running)).toBe(running);
    // A final status always wins over an active one, whatever its counts.
    const failed = view({ status: 'failed', rows_done: 0, error: 'shard 3: connection lost' });
    expect(newerJobView(lateRunning, failed)).toBe(failed);
  });
});
