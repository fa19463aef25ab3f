import { describe, expect, it } from 'vitest';
import { decodeJobView } from '../../lib/stream';
import { jobViewJson } from '../../test/liveFixtures';
import { historyWithJob, jobPercent, jobQueryOptions, jobsQueryOptions } from './factoryApi';

const job = (overrides: Record<string, unknown> = {}) => decodeJobView(jobViewJson(overrides));

describe('job history and job messages', () => {
  it('replaces the listed job by its message, unless the message is behind', () => {
    const older = job({ id: 6, status: 'succeeded', progress: 1, rows_done: 50_000 });
    const running = job({ rows_done: 10_000, progress: 0.2 });
    const list = [running, older];

    const moved = job({ rows_done: 25_000, progress: 0.5 });
    expect(historyWithJob(list, moved)).toEqual([moved, older]);
    const done = job({ status: 'succeeded', rows_done: 50_000, rows_written: 50_000, progress: 1, run_id: 12 });
    expect(historyWithJob(list, done)?.[0]).toBe(done);
    // A late message never moves a listed job back.
    expect(historyWithJob([done, older], moved)?.[0]).toBe(done);
  });

  it('says when the job is not listed (created elsewhere, or no list yet)', () => {
    expect(historyWithJob([job()], job({ id: 9, status: 'queued' }))).toBeNull();
    expect(historyWithJob(undefined, job())).toBeNull();
  });

  it('shows 100 % only for a job that succeeded', () => {
    expect(jobPercent({ status: 'running', progress: 0.999 })).toBe(99);
    expect(jobPercent({ status: 'succeeded', progress: 1 })).toBe(100);
    expect(jobPercent({ status: 'failed', progress: 0.37 })).toBe(37);
  });

  it('keeps the newer view when a poll answers with an older one', () => {
    const sharing = jobQueryOptions(7, true).structuralSharing;
    if (typeof sharing !== 'function') throw new Error('expected a structural sharing function');
    const done = job({ status: 'succeeded', rows_done: 50_000, progress: 1 });
    expect(sharing(done, job({ rows_done: 40_000 }))).toBe(done);
    const later = job({ rows_done: 45_000 });
    expect(sharing(job({ rows_done: 40_000 }), later)).toEqual(later);

    const listSharing = jobsQueryOptions(true).structuralSharing;
    if (typeof listSharing !== 'function') throw new Error('expected a structural sharing function');
    const fetched = [job({ rows_done: 40_000 }), job({ id: 6, status: 'failed' })];
    expect(listSharing([done], fetched)).toEqual([done, fetched[1]]);
  });

  it('polls an active job as a safety net while the stream is open, fast without it, and not once it ended', () => {
    const interval = (streamed: boolean, data: ReturnType<typeof job> | undefined) => {
      const option = jobQueryOptions(7, streamed).refetchInterval;
      if (typeof option !== 'function') throw new Error('expected a refetch interval function');
      const query: unknown = { state: { data } };
      return option(query as Parameters<typeof option>[0]);
    };
    expect(interval(true, job())).toBe(5_000);
    expect(interval(false, job())).toBe(500);
    expect(interval(true, job({ status: 'succeeded' }))).toBe(false);
  });
});
