import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorText, failureVerb } from '../../lib/api';
import { formatClock, formatFixed } from '../../lib/format';
import { clearFault, INJECTED_FAULTS_QUERY_KEY, type FaultType, type InjectedFault } from './faultsApi';

const RECENTLY_CLEARED = 5;

/** Injected faults still acting, each with a Clear button, and the last few cleared ones. */
export function ActiveFaults({
  faults,
  catalog,
}: {
  faults: readonly InjectedFault[];
  catalog: readonly FaultType[];
}) {
  const queryClient = useQueryClient();
  const clear = useMutation({
    mutationFn: clearFault,
    onSettled: () => queryClient.invalidateQueries({ queryKey: INJECTED_FAULTS_QUERY_KEY }),
  });
  const names = new Map(catalog.map((fault) => [fault.id, fault.name]));
  const active = faults.filter((fault) => !fault.cleared);
  const cleared = faults.filter((fault) => fault.cleared).slice(0, RECENTLY_CLEARED);

  return (
    <div className="active-faults">
      {active.length === 0 ? (
        <p className="active-faults__none" data-testid="no-active-fault">
          No fault injected.
        </p>
      ) : (
        <ul className="active-faults__list" aria-label="Active faults">
          {active.map((fault) => (
            <li key={fault.id} className="active-faults__item" data-testid="active-fault" data-type={fault.type}>
              <span className="active-faults__name">
                #{fault.id} {names.get(fault.type) ?? fault.type}
              </span>
              <span className="active-faults__meta">
                severity {formatFixed(fault.severity, 2)} · {fault.mode} ·{' '}
                {fault.duration_s === null ? 'until cleared' : `${formatFixed(fault.duration_s, 0)} s`} · since{' '}
                {formatClock(fault.onset_at)}
              </span>
              <button
                type="button"
                className="button button--small"
                aria-label={`Clear fault #${String(fault.id)} ${names.get(fault.type) ?? fault.type}`}
                disabled={clear.isPending && clear.variables === fault.id}
                onClick={() => {
                  clear.mutate(fault.id);
                }}
              >
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
      {clear.isError && (
        <p className="form-error" role="alert" data-testid="clear-error">
          Clearing fault #{clear.variables} {failureVerb(clear.error)}: {errorText(clear.error)}
        </p>
      )}
      {cleared.length > 0 && (
        <p className="active-faults__cleared">
          Cleared:{' '}
          {cleared.map((fault) => `#${String(fault.id)} ${names.get(fault.type) ?? fault.type}`).join(', ')}
        </p>
      )}
    </div>
  );
}
