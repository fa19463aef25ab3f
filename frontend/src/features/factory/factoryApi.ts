/**
 * The data factory: `GET /api/scenarios`, `POST /api/jobs` (202), `GET /api/jobs`,
 * `GET /api/jobs/{id}`, `DELETE /api/jobs/{id}`, and the exports of a finished job's run.
 * Field names as the API sends them.
 */
import { queryOptions } from '@tanstack/react-query';
import { expectRecord, expectString, getJson, sendJson } from '../../lib/api';
import { decodeList, expectNumber, expectNumberOrNull, expectStringList, expectStringOrNull } from '../../lib/decode';
import type { JobProgress } from '../../lib/stream';

export const SCENARIOS_PATH = '/api/scenarios';
export const JOBS_PATH = '/api/jobs';

export interface Scenario {
  name: string;
  description: string;
  recipes: string[];
  faults: string[];
}

export type JobStatus = 'queued' | 'running' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  /** One of {@link JobStatus}; kept a string, a newer server may add statuses. */
  status: string;
  scenario: string;
  seed: number;
  rows_requested: number;
  rows_written: number;
  rows_done: number;
  /** 0–1. */
  progress: number;
  rows_per_s: number | null;
  eta_s: number | null;
  run_id: number | null;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface JobRequest {
  scenario: string;
  rows: number;
  seed: number;
}

function decodeScenario(record: Record<string, unknown>): Scenario {
  return {
    name: expectString(record, 'name'),
    description: expectString(record, 'description'),
    recipes: expectStringList(record, 'recipes'),
    faults: expectStringList(record, 'faults'),
  };
}

export function decodeJob(record: Record<string, unknown>): Job {
  return {
    id: expectNumber(record, 'id'),
    status: expectString(record, 'status'),
    scenario: expectString(record, 'scenario'),
    seed: expectNumber(record, 'seed'),
    rows_requested: expectNumber(record, 'rows_requested'),
    rows_written: expectNumber(record, 'rows_written'),
    rows_done: expectNumber(record, 'rows_done'),
    progress: expectNumber(record, 'progress'),
    rows_per_s: expectNumberOrNull(record, 'rows_per_s'),
    eta_s: expectNumberOrNull(record, 'eta_s'),
    run_id: expectNumberOrNull(record, 'run_id'),
    created_at: expectString(record, 'created_at'),
    finished_at: expectStringOrNull(record, 'finished_at'),
    error: expectStringOrNull(record, 'error'),
  };
}

const decodeOneJob = (raw: unknown): Job => decodeJob(expectRecord(raw));
export const decodeJobs = (raw: unknown): Job[] => decodeList(raw, decodeJob);
export const decodeScenarios = (raw: unknown): Scenario[] => decodeList(raw, decodeScenario);

const ACTIVE_STATUSES = new Set(['queued', 'running', 'cancelling']);

/** Queued, running or being cancelled: its progress still moves. */
export function isActive(job: Pick<Job, 'status'>): boolean {
  return ACTIVE_STATUSES.has(job.status);
}

/** A followed job is asked for twice a second while it runs. */
export const JOB_POLL_MS = 500;
/** The history: every 2 s while a job runs, else every 10 s. */
export const JOBS_POLL_ACTIVE_MS = 2_000;
export const JOBS_POLL_IDLE_MS = 10_000;
export const HISTORY_LIMIT = 20;

export const jobsListQueryKey = ['jobs', 'list'] as const;
export const jobQueryKey = (id: number) => ['jobs', 'one', id] as const;

export function scenariosQueryOptions() {
  return queryOptions({
    queryKey: ['scenarios'],
    queryFn: ({ signal }) => getJson(SCENARIOS_PATH, decodeScenarios, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function jobsQueryOptions() {
  return queryOptions({
    queryKey: jobsListQueryKey,
    queryFn: ({ signal }) => getJson(`${JOBS_PATH}?limit=${String(HISTORY_LIMIT)}`, decodeJobs, { signal }),
    refetchInterval: (query) => (query.state.data?.some(isActive) ? JOBS_POLL_ACTIVE_MS : JOBS_POLL_IDLE_MS),
  });
}

export function jobQueryOptions(id: number) {
  return queryOptions({
    queryKey: jobQueryKey(id),
    queryFn: ({ signal }) => getJson(`${JOBS_PATH}/${String(id)}`, decodeOneJob, { signal }),
    refetchInterval: (query) => (!query.state.data || isActive(query.state.data) ? JOB_POLL_MS : false),
  });
}

export function createJob(request: JobRequest): Promise<Job> {
  return sendJson('POST', JOBS_PATH, request, decodeOneJob);
}

export function cancelJob(id: number): Promise<Job> {
  return sendJson('DELETE', `${JOBS_PATH}/${String(id)}`, undefined, decodeOneJob);
}

/**
 * A `job` message of the stream applied to the job as last fetched: newer counts and rates while
 * the job is still active (a late "running" message never reopens a finished job, and counts never
 * go back).
 */
export function applyJobProgress(job: Job, progress: JobProgress): Job {
  if (!isActive(job) || String(progress.id) !== String(job.id)) return job;
  const rowsDone = Math.max(job.rows_done, progress.rows_written);
  const requested = progress.rows_requested > 0 ? progress.rows_requested : job.rows_requested;
  return {
    ...job,
    status: job.status === 'queued' ? progress.status : job.status,
    rows_requested: requested,
    rows_done: rowsDone,
    progress: Math.max(job.progress, Math.min(1, rowsDone / requested)),
    rows_per_s: progress.rows_per_s ?? job.rows_per_s,
    eta_s: progress.eta_s ?? job.eta_s,
  };
}

/** Where a finished job's run can be downloaded. */
export function runDownloads(runId: number): { label: string; href: string; filename: string }[] {
  const base = `/api/runs/${String(runId)}`;
  return [
    { label: 'CSV', href: `${base}/export?format=csv`, filename: `run-${String(runId)}.csv` },
    { label: 'Parquet', href: `${base}/export?format=parquet`, filename: `run-${String(runId)}.parquet` },
    { label: 'Manifest', href: `${base}/manifest`, filename: `run-${String(runId)}-manifest.json` },
  ];
}

/** Whole percent of a job, 100 only once it succeeded. */
export function jobPercent(job: Pick<Job, 'status' | 'progress'>): number {
  if (job.status === 'succeeded') return 100;
  return Math.min(99, Math.floor(Math.max(0, job.progress) * 100));
}
