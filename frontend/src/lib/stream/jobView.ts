/**
 * A data-factory job as the server describes it: the body of `GET /api/jobs/{id}` and, the same JSON,
 * the data of each `job` message of the stream (sent when the job is created, twice a second while it
 * runs and once when it ends, with its final status). Field names as the API sends them.
 */
import { expectRecord, expectString, type ApiSchema } from '../api';
import { expectNumber, expectNumberOrNull, expectStringOrNull } from '../decode';

export type JobStatus = ApiSchema<'JobView'>['status'];
export const JOB_STATUSES = ['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];

/**
 * `JobView`. `rows_written`: rows committed in PostgreSQL; `rows_done`: rows generated and copied so
 * far; `progress` 0–1. `status` is one of {@link JOB_STATUSES}, kept a string: a newer server may add
 * statuses.
 */
export type JobView = Omit<ApiSchema<'JobView'>, 'status'> & { status: string };

export function decodeJobRecord(record: Record<string, unknown>): JobView {
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
    shards: expectNumberOrNull(record, 'shards'),
    run_id: expectNumberOrNull(record, 'run_id'),
    created_at: expectString(record, 'created_at'),
    started_at: expectStringOrNull(record, 'started_at'),
    finished_at: expectStringOrNull(record, 'finished_at'),
    compute_s: expectNumberOrNull(record, 'compute_s'),
    write_s: expectNumberOrNull(record, 'write_s'),
    error: expectStringOrNull(record, 'error'),
  };
}

export function decodeJobView(raw: unknown): JobView {
  return decodeJobRecord(expectRecord(raw));
}

const ACTIVE = new Set<string>(['queued', 'running', 'cancelling']);

/** Queued, running or being cancelled: its progress still moves. */
export function isActiveJob(job: Pick<JobView, 'status'>): boolean {
  return ACTIVE.has(job.status);
}

/** The order a job's statuses come in; any final status (also one this client does not know) last. */
function statusRank(status: string): number {
  if (status === 'queued') return 0;
  if (status === 'running') return 1;
  if (status === 'cancelling') return 2;
  return 3;
}

/**
 * Of two views of the same job (one held, one just received from the stream or a request), the one
 * that is not behind: a job never goes back to an earlier status (a poll answered before the final
 * message never reopens a finished job) and, in the same status, its rows never go back. Ties go to
 * the received view (it has the newer rates and ETA). Another job's view leaves `current` as it is.
 */
export function newerJobView(current: JobView | undefined, received: JobView): JobView {
  if (!current) return received;
  if (current.id !== received.id) return current;
  const behind = statusRank(received.status) - statusRank(current.status);
  if (behind < 0) return current;
  if (behind === 0 && isActiveJob(received) && received.rows_done < current.rows_done) return current;
  return received;
}
