import { formatClock, formatCount } from '../../lib/format';
import type { Job } from './factoryApi';
import { jobPercent } from './factoryApi';
import { RunDownloads } from './RunDownloads';
import { StatusBadge } from './StatusBadge';

/** Recent jobs, newest first, with downloads for the runs of those that succeeded. */
export function JobHistory({
  jobs,
  followedId,
  onFollow,
}: {
  jobs: readonly Job[];
  followedId: number | null;
  onFollow: (id: number) => void;
}) {
  if (jobs.length === 0) return <p className="factory__none">No job yet.</p>;
  return (
    <div className="scroll factory__history">
      <table className="table" data-testid="job-history">
        <thead>
          <tr>
            <th>Job</th>
            <th>Scenario</th>
            <th className="table__num">Rows</th>
            <th>Status</th>
            <th>Downloads</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} aria-selected={job.id === followedId}>
              <td>
                <button
                  type="button"
                  className="factory__follow"
                  aria-pressed={job.id === followedId}
                  title={`Show this job's progress (created ${formatClock(job.created_at)})`}
                  onClick={() => {
                    onFollow(job.id);
                  }}
                >
                  #{job.id}
                </button>
              </td>
              <td className="table__text">{job.scenario}</td>
              <td className="table__num">{formatCount(job.rows_requested)}</td>
              <td>
                <StatusBadge status={job.status} />
                {job.status !== 'succeeded' && <span className="factory__percent"> {jobPercent(job)} %</span>}
              </td>
              <td>{job.status === 'succeeded' && job.run_id !== null ? <RunDownloads runId={job.run_id} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
