import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { isNotFound } from '../../lib/api';
import { newerJobView } from '../../lib/stream';
import { useJobMessages, useStreamOpen } from '../../lib/stream/react';
import { PanelMessage } from '../../lib/ui';
import {
  historyWithJob,
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
 * The followed job. The stream's `job` messages move it (twice a second, and its final status at
 * once); it is asked for only as a safety net (every 5 s while it runs, twice a second without the
 * stream). When it finishes, the history is asked again so both say the same.
 */
function FollowedJob({ id, streamed }: { id: number; streamed: boolean }) {
  const queryClient = useQueryClient();
  const job = useQuery(jobQueryOptions(id, streamed));
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
  const streamed = useStreamOpen();
  const scenarios = useQuery(scenariosQueryOptions());
  const jobs = useQuery(jobsQueryOptions(streamed));
  const [chosenId, setChosenId] = useState<number | null>(null);
  const followedId = chosenId ?? jobs.data?.[0]?.id ?? null;

  // Each `job` message is the job's whole view: it replaces the held one unless it is behind it.
  useJobMessages((view) => {
    queryClient.setQueryData<Job>(jobQueryKey(view.id), (held) => newerJobView(held, view));
    const history = historyWithJob(queryClient.getQueryData<Job[]>(jobsListQueryKey), view);
    if (history) queryClient.setQueryData<Job[]>(jobsListQueryKey, history);
    // A job the list does not hold yet (created elsewhere), or one that just ended: ask the server.
    if (!history || !isActive(view)) void queryClient.invalidateQueries({ queryKey: jobsListQueryKey });
  });

  // Messages missed while the stream was down: ask once it is back.
  useEffect(() => {
    if (streamed) void queryClient.invalidateQueries({ queryKey: ['jobs'] });
  }, [streamed, queryClient]);

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
      {followedId !== null && <FollowedJob id={followedId} streamed={streamed} />}
      <h3 className="panel__subtitle">Jobs</h3>
      {history}
    </section>
  );
}
