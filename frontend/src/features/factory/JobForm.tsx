import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent } from 'react';
import { errorText, failureVerb } from '../../lib/api';
import { newerJobView } from '../../lib/stream';
import { Field } from '../../lib/ui';
import { createJob, jobQueryKey, jobsListQueryKey, type Job, type Scenario } from './factoryApi';

const DEFAULT_ROWS = '50000';
const DEFAULT_SEED = '1';

/**
 * Start a generation job: scenario, rows (one row per simulated second) and seed. The numbers go to
 * the server as typed; its refusal (422 naming the field) is shown as it comes.
 */
export function JobForm({ scenarios, onStarted }: { scenarios: readonly Scenario[]; onStarted: (job: Job) => void }) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [scenario, setScenario] = useState(scenarios[0]?.name ?? '');
  const [rows, setRows] = useState(DEFAULT_ROWS);
  const [seed, setSeed] = useState(DEFAULT_SEED);
  const chosen = scenarios.find((candidate) => candidate.name === scenario);

  const start = useMutation({
    mutationFn: createJob,
    onSuccess: (job) => {
      // The stream may have told of the job already (its `queued` message can come first).
      queryClient.setQueryData<Job>(jobQueryKey(job.id), (held) => newerJobView(held, job));
      onStarted(job);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobsListQueryKey }),
  });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    start.mutate({ scenario, rows: Number(rows), seed: Number(seed) });
  };

  return (
    <form className="form job-form" onSubmit={submit} aria-label="Start a generation job">
      <Field label="Scenario" htmlFor={`${ids}-scenario`}>
        <select
          id={`${ids}-scenario`}
          name="scenario"
          value={scenario}
          required
          onChange={(event) => {
            setScenario(event.target.value);
          }}
        >
          {scenarios.map((candidate) => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.name}
            </option>
          ))}
        </select>
      </Field>
      {chosen && <p className="job-form__description">{chosen.description}</p>}
      <div className="form__row">
        <Field label="Rows" htmlFor={`${ids}-rows`} className="job-form__number">
          <input
            id={`${ids}-rows`}
            name="rows"
            type="number"
            min={1}
            step={1}
            required
            value={rows}
            onChange={(event) => {
              setRows(event.target.value);
            }}
          />
        </Field>
        <Field label="Seed" htmlFor={`${ids}-seed`} className="job-form__number">
          <input
            id={`${ids}-seed`}
            name="seed"
            type="number"
            min={0}
            step={1}
            required
            value={seed}
            onChange={(event) => {
              setSeed(event.target.value);
            }}
          />
        </Field>
        <button type="submit" className="button button--primary" disabled={start.isPending || !scenario}>
          Start job
        </button>
      </div>
      {start.isError && (
        <p className="form-error" role="alert" data-testid="job-error">
          Job {failureVerb(start.error)}: {errorText(start.error)}
        </p>
      )}
    </form>
  );
}
