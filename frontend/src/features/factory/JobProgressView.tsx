import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorText, failureVerb } from '../../lib/api';
import { formatCount, formatDuration } from '../../lib/format';
import { newerJobView } from '../../lib/stream';
import { cancelJob, isActive, jobPercent, jobQueryKey, jobsListQueryKey, type Job } from './factoryApi';
import { RunDownloads } from './RunDownloads';
import { StatusBadge } from './StatusBadge';

/** The followed job: a progress bar with %, rows, rows/s and ETA; cancel while it runs; downloads once done. */
export function JobProgressView({ job }: { job: Job }) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => cancelJob(job.id),
    onSuccess: (updated) => {
      queryClient.setQueryData<Job>(jobQueryKey(updated.id), (held) => newerJobView(held, updated));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobsListQueryKey }),
  });
  const percent = jobPercent(job);
  const active = isActive(job);
  return (
    <div className="job-progress" data-testid="job-progress" data-status={job.status} data-job-id={job.id}>
      <div className="job-progress__head">
        <span className="job-progress__title">
          Job #{job.id} · {job.scenario} · seed {job.seed}
        </span>
        <StatusBadge status={job.status} />
      </div>
      <div
        className="job-progress__bar"
        role="progressbar"
        aria-label={`Job ${String(job.id)} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="job-progress__fill" data-status={job.status} style={{ width: `${String(percent)}%` }} />
        <span className="job-progress__percent" data-testid="job-percent">
          {percent} %
        </span>
      </div>
      <div className="job-progress__numbers">
        <span data-testid="job-rows">
          {formatCount(job.rows_done)} / {formatCount(job.rows_requested)} rows
        </span>
        <span data-testid="job-rate">{formatCount(job.rows_per_s)} rows/s</span>
        <span data-testid="job-eta">{active ? `ETA ${formatDuration(job.eta_s)}` : 'done'}</span>
        {active && (
          <button
            type="button"
            className="button button--small"
            disabled={cancel.isPending || job.status === 'cancelling'}
            onClick={() => {
              cancel.mutate();
            }}
          >
            Cancel
          </button>
        )}
      </div>
      {job.error && (
        <p className="form-error" data-testid="job-failure">
          {job.error}
        </p>
      )}
      {cancel.isError && (
        <p className="form-error" role="alert">
          Cancel {failureVerb(cancel.error)}: {errorText(cancel.error)}
        </p>
      )}
      {job.status === 'succeeded' && job.run_id !== null && (
        <p className="job-progress__downloads">
          Run {job.run_id}: <RunDownloads runId={job.run_id} />
        </p>
      )}
    </div>
  );
}
