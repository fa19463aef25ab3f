import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useJobProgress } from '../../lib/stream/react';
import { isNotFound, PanelMessage } from '../../lib/ui';
import {
  applyJobProgress,
  isActive,
  jobQueryKey,
  jobQueryOptions,
  jobsListQueryKey,
  jobsQueryOptions,
  scenariosQueryOptions,
  type Job,
} from './factoryApi';
import { JobForm } from './JobForm';
import { JobHistory } from './JobHistory';
import { JobProgressView } from './JobProgressView';
import './factory.css';

/**
 * The followed job, polled twice a second while it runs and moved on by the stream's `job` messages.
 * When it finishes, the history is asked again so both say the same.
 */
function FollowedJob({ id }: { id: number }) {
  const queryClient = useQueryClient();
  const job = useQuery(jobQueryOptions(id));
  const finished = job.data !== undefined && !isActive(job.data);
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: jobsListQueryKey });
  }, [finished, queryClient]);
  if (job.data) return <JobProgressView job={job.data} />;
  if (job.error) return <PanelMessage kind="error">Job #{id} could not be loaded: {job.error.message}</PanelMessage>;
  return <PanelMessage kind="loading">Loading job #{id}…</PanelMessage>;
}

/**
 * Data factory: start a job, follow its progress (rows, rows/s, ETA), the job history and the
 * downloads (CSV, Parquet, manifest) of finished runs.
 */
export function FactoryPanel() {
  const queryClient = useQueryClient();
  const scenarios = useQuery(scenariosQueryOptions());
  const jobs = useQuery(jobsQueryOptions());
  const [chosenId, setChosenId] = useState<number | null>(null);
  const followedId = chosenId ?? jobs.data?.[0]?.id ?? null;

  useJobProgress((progress) => {
    const id = Number(progress.id);
    if (!Number.isInteger(id)) return;
    queryClient.setQueryData<Job>(jobQueryKey(id), (job) => (job ? applyJobProgress(job, progress) : job));
  });

  let form: ReactNode;
  if (scenarios.data) {
    form = (
      <JobForm
        scenarios={scenarios.data}
        onStarted={(job) => {
          setChosenId(job.id);
        }}
      />
    );
  } else if (scenarios.error) {
    form = isNotFound(scenarios.error) ? (
      <PanelMessage kind="unavailable">The data factory is not available on this server.</PanelMessage>
    ) : (
      <PanelMessage kind="error">Scenarios could not be loaded: {scenarios.error.message}</PanelMessage>
    );
  } else form = <PanelMessage kind="loading">Loading scenarios…</PanelMessage>;

  let history: ReactNode;
  if (jobs.data) history = <JobHistory jobs={jobs.data} followedId={followedId} onFollow={setChosenId} />;
  else if (jobs.error) history = <PanelMessage kind="error">Jobs could not be loaded: {jobs.error.message}</PanelMessage>;
  else history = <PanelMessage kind="loading">Loading jobs…</PanelMessage>;

  return (
    <section className="panel panel--factory factory" data-testid="panel-factory" aria-label="Data factory">
      <h2 className="panel__title">Data factory</h2>
      {form}
      {followedId !== null && <FollowedJob id={followedId} />}
      <h3 className="panel__subtitle">Jobs</h3>
      {history}
    </section>
  );
}
