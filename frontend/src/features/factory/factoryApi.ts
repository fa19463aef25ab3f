/**
 * The data factory: `GET /api/scenarios`, `POST /api/jobs` (202), `GET /api/jobs`,
 * `GET /api/jobs/{id}`, `POST /api/jobs/{id}/cancel`, and the exports of a finished job's run.
 * Field names as the API sends them.
 */
import { queryOptions, replaceEqualDeep } from '@tanstack/react-query';
import { expectString, getJson, sendJson, type ApiSchema } from '../../lib/api';
import { decodeList, expectStringList } from '../../lib/decode';
import { decodeJobRecord, decodeJobView, isActiveJob, newerJobView, type JobView } from '../../lib/stream';

export const SCENARIOS_PATH = '/api/scenarios';
export const JOBS_PATH = '/api/jobs';

export type Scenario = ApiSchema<'ScenarioView'>;

/** A job as `GET /api/jobs/{id}` and the stream's `job` messages describe it (the same JSON). */
export type Job = JobView;

/** `JobRequest` with the scenario by name (the names come from `GET /api/scenarios`). */
export type JobRequest = Omit<ApiSchema<'JobRequest'>, 'scenario'> & { scenario: string };

function decodeScenario(record: Record<string, unknown>): Scenario {
  return {
    name: expectString(record, 'name'),
    description: expectString(record, 'description'),
    recipes: expectStringList(record, 'recipes'),
    faults: expectStringList(record, 'faults'),
  };
}

export const decodeJobs = (raw: unknown): Job[] => decodeList(raw, decodeJobRecord);
export const decodeScenarios = (raw: unknown): Scenario[] => decodeList(raw, decodeScenario);

/** Queued, running or being cancelled: its progress still moves. */
export const isActive = isActiveJob;

/**
 * Polling is the safety net: the stream's `job` messages move a job (created, twice a second while
 * it runs, final status). While the stream is open, an active job is asked for every 5 s and the
 * history every 10 s; without the stream, the followed job twice a second and the history every 2 s.
 */
export const JOB_POLL_STREAMED_MS = 5_000;
export const JOB_POLL_UNSTREAMED_MS = 500;
export const JOBS_POLL_UNSTREAMED_ACTIVE_MS = 2_000;
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

/** A fetched list keeps, job by job, the held view when the fetched one is behind (see `newerJobView`). */
function keepNewerJobs(held: unknown, fetched: unknown): unknown {
  if (!Array.isArray(held) || !Array.isArray(fetched)) return fetched;
  const byId = new Map((held as Job[]).map((job) => [job.id, job]));
  return replaceEqualDeep(held, (fetched as Job[]).map((job) => newerJobView(byId.get(job.id), job)));
}

function keepNewerJob(held: unknown, fetched: unknown): unknown {
  return replaceEqualDeep(held, newerJobView(held as Job | undefined, fetched as Job));
}

/** The history, newest first. `streamed`: the stream is open (its job messages keep the list current). */
export function jobsQueryOptions(streamed: boolean) {
  return queryOptions({
    queryKey: jobsListQueryKey,
    queryFn: ({ signal }) => getJson(`${JOBS_PATH}?limit=${String(HISTORY_LIMIT)}`, decodeJobs, { signal }),
    refetchInterval: (query) =>
      !streamed && query.state.data?.some(isActive) ? JOBS_POLL_UNSTREAMED_ACTIVE_MS : JOBS_POLL_IDLE_MS,
    structuralSharing: keepNewerJobs,
  });
}

/** One job. A poll answered before the stream's newer message never moves the job back. */
export function jobQueryOptions(id: number, streamed: boolean) {
  return queryOptions({
    queryKey: jobQueryKey(id),
    queryFn: ({ signal }) => getJson(`${JOBS_PATH}/${String(id)}`, decodeJobView, { signal }),
    refetchInterval: (query) => {
      if (query.state.data && !isActive(query.state.data)) return false;
      return streamed ? JOB_POLL_STREAMED_MS : JOB_POLL_UNSTREAMED_MS;
    },
    structuralSharing: keepNewerJob,
  });
}

export function createJob(request: JobRequest): Promise<Job> {
  return sendJson('POST', JOBS_PATH, request, decodeJobView);
}

export function cancelJob(id: number): Promise<Job> {
  return sendJson('POST', `${JOBS_PATH}/${String(id)}/cancel`, undefined, decodeJobView);
}

/**
 * A `job` message (the job's whole view) applied to the held history: the listed job is replaced
 * unless the message is behind it. `null` when the job is not listed (created elsewhere, or the list
 * is not loaded yet): the list is to be asked again.
 */
export function historyWithJob(jobs: readonly Job[] | undefined, job: Job): Job[] | null {
  if (!jobs?.some((held) => held.id === job.id)) return null;
  return jobs.map((held) => newerJobView(held, job));
}

/** A format of `GET /api/runs/{id}/export` (the backend's export registry). */
export type ExportFormat = ApiSchema<'ExportFormat'>;

/**
 * The link text of each export format, in the registry's order. Keyed by `ExportFormat`, so a
 * format added to the backend fails type-checking here until it has its label.
 */
export const EXPORT_FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  csv: 'CSV',
  parquet: 'Parquet',
};

/** Where a finished job's run can be downloaded: one link per export format, then the manifest. */
export function runDownloads(runId: number): { label: string; href: string; filename: string }[] {
  const base = `/api/runs/${String(runId)}`;
  const exports = (Object.keys(EXPORT_FORMAT_LABELS) as ExportFormat[]).map((format) => ({
    label: EXPORT_FORMAT_LABELS[format],
    href: `${base}/export?format=${format}`,
    // the server names the file (Content-Disposition, the format's suffix); this is a fallback
    filename: `run-${String(runId)}.${format}`,
  }));
  return [...exports, { label: 'Manifest', href: `${base}/manifest`, filename: `run-${String(runId)}-manifest.json` }];
}

/** Whole percent of a job, 100 only once it succeeded. */
export function jobPercent(job: Pick<Job, 'status' | 'progress'>): number {
  if (job.status === 'succeeded') return 100;
  return Math.min(99, Math.floor(Math.max(0, job.progress) * 100));
}
