import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type SubmitEvent } from 'react';
import { errorText, failureVerb } from '../../lib/api';
import { Field } from '../../lib/ui';
import {
  faultRequest,
  INJECTED_FAULTS_QUERY_KEY,
  injectFault,
  isOnsetMode,
  ONSET_MODES,
  type FaultType,
  type OnsetMode,
} from './faultsApi';

const DEFAULT_SEVERITY = 0.8;

const MODE_TEXT: Record<OnsetMode, string> = {
  step: 'step (at once)',
  ramp: 'ramp (grows over the duration)',
  intermittent: 'intermittent (comes and goes)',
};

/** The catalogue grouped by subsystem, in catalogue order. */
function bySubsystem(catalog: readonly FaultType[]): [string, FaultType[]][] {
  const groups = new Map<string, FaultType[]>();
  for (const fault of catalog) groups.set(fault.subsystem, [...(groups.get(fault.subsystem) ?? []), fault]);
  return [...groups];
}

/**
 * Pick a fault from the catalogue, set severity (0–1), onset mode and an optional duration, inject.
 * The server checks the request; its refusal (422 naming the field) is shown as it comes.
 */
export function InjectForm({ catalog }: { catalog: readonly FaultType[] }) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [faultId, setFaultId] = useState('');
  const [severity, setSeverity] = useState(DEFAULT_SEVERITY);
  const [mode, setMode] = useState<OnsetMode>('step');
  const [duration, setDuration] = useState('');
  const groups = useMemo(() => bySubsystem(catalog), [catalog]);
  const selected = catalog.find((fault) => fault.id === faultId);

  const inject = useMutation({
    mutationFn: injectFault,
    onSettled: () => queryClient.invalidateQueries({ queryKey: INJECTED_FAULTS_QUERY_KEY }),
  });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!faultId) return;
    inject.mutate(faultRequest(faultId, severity, mode, duration));
  };

  return (
    <form className="form inject-form" onSubmit={submit} aria-label="Inject a fault">
      <Field label="Fault" htmlFor={`${ids}-type`}>
        <select
          id={`${ids}-type`}
          name="type"
          value={faultId}
          required
          onChange={(event) => {
            setFaultId(event.target.value);
          }}
        >
          <option value="" disabled>
            Choose a fault…
          </option>
          {groups.map(([subsystem, faults]) => (
            <optgroup key={subsystem} label={subsystem}>
              {faults.map((fault) => (
                <option key={fault.id} value={fault.id}>
                  {fault.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      {selected && (
        <div className="inject-form__details" data-testid="fault-details">
          <p>{selected.description}</p>
          <p>
            <span className="inject-form__key">Signature</span> {selected.signature}
          </p>
          <p>
            <span className="inject-form__key">Outcome</span> {selected.outcome}
          </p>
          <p>
            {selected.alarm === null ? 'raises no alarm' : `can raise alarm ${String(selected.alarm)}`}
            {selected.sensor_only && ' · sensor only (the process is fine)'}
          </p>
        </div>
      )}
      <div className="form__row">
        <Field
          label={
            <>
              Severity{' '}
              <span className="inject-form__severity" aria-hidden="true">
                {severity.toFixed(2)}
              </span>
            </>
          }
          htmlFor={`${ids}-severity`}
          grow
        >
          <input
            id={`${ids}-severity`}
            aria-label="Severity"
            aria-valuetext={severity.toFixed(2)}
            name="severity"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={severity}
            onChange={(event) => {
              setSeverity(Number(event.target.value));
            }}
          />
        </Field>
        <Field label="Mode" htmlFor={`${ids}-mode`}>
          <select
            id={`${ids}-mode`}
            name="mode"
            value={mode}
            onChange={(event) => {
              if (isOnsetMode(event.target.value)) setMode(event.target.value);
            }}
          >
            {ONSET_MODES.map((onset) => (
              <option key={onset} value={onset} title={MODE_TEXT[onset]}>
                {onset}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Duration (s)" htmlFor={`${ids}-duration`} className="inject-form__duration">
          <input
            id={`${ids}-duration`}
            name="duration_s"
            type="number"
            min={0}
            step="any"
            placeholder="until cleared"
            value={duration}
            onChange={(event) => {
              setDuration(event.target.value);
            }}
          />
        </Field>
        <button type="submit" className="button button--primary" disabled={!faultId || inject.isPending}>
          Inject
        </button>
      </div>
      {inject.isError && (
        <p className="form-error" role="alert" data-testid="inject-error">
          Injection {failureVerb(inject.error)}: {errorText(inject.error)}
        </p>
      )}
      {inject.isSuccess && (
        <p className="inject-form__done" role="status">
          Injected fault #{inject.data.id} ({inject.data.type}) at sample {inject.data.onset_seq}
        </p>
      )}
    </form>
  );
}
