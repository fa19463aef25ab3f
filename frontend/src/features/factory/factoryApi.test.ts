import { describe, expect, it } from 'vitest';
import { applyJobProgress, jobPercent, type Job } from './factoryApi';

const RUNNING: Job = {
  id: 7,
  status: 'running',
  scenario: 'normal_production',
  seed: 1,
  rows_requested: 50_000,
  rows_written: 0,
  rows_done: 10_000,
  progress: 0.2,
  rows_per_s: 40_000,
  eta_s: 1,
  run_id: null,
  created_at: '2026-11-25T03:33:01Z',
  finished_at: null,
  error: null,
};

const message = (rowsWritten: number) => ({
  id: 7,
  status: 'running',
  rows_requested: 50_000,
  rows_written: rowsWritten,
  rows_per_s: 50_000,
  eta_s: 0.3,
});

describe('job progress', () => {
  it('applies newer counts and rates of a job message', () => {
    expect(applyJobProgress(RUNNING, message(25_000))).toMatchObject({ rows_done: 25_000, progress: 0.5, rows_per_s: 50_000, eta_s: 0.3 });
  });

  it('never moves a job back, reopens a finished one or takes another job’s message', () => {
    expect(applyJobProgress(RUNNING, message(5_000))).toMatchObject({ rows_done: 10_000, progress: 0.2 });
    const done = { ...RUNNING, status: 'succeeded', progress: 1 };
    expect(applyJobProgress(done, message(49_000))).toBe(done);
    expect(applyJobProgress(RUNNING, { ...message(40_000), id: 8 })).toBe(RUNNING);
  });

  it('shows 100 % only for a job that succeeded', () => {
    expect(jobPercent({ status: 'running', progress: 0.999 })).toBe(99);
    expect(jobPercent({ status: 'succeeded', progress: 1 })).toBe(100);
    expect(jobPercent({ status: 'failed', progress: 0.37 })).toBe(37);
  });
});
