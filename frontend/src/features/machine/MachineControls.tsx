import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { errorText, failureVerb } from '../../lib/api';
import { MACHINE_QUERY_KEY, sendMachineCommand, type MachineCommand, type MachineSnapshot } from './machineApi';

const BUTTONS: readonly { command: MachineCommand; label: string; title: string }[] = [
  { command: 'start', label: 'Start', title: 'Start production (after a stop)' },
  { command: 'stop', label: 'Stop', title: 'Stop after the current cycle' },
  { command: 'reset', label: 'Reset', title: 'Reset an acknowledged alarm once its cause is gone' },
  { command: 'estop', label: 'E-STOP', title: 'Emergency stop: heating off at once' },
];

const ACCEPTED_NOTE_MS = 5_000;

const COMMAND_NAME: Record<MachineCommand, string> = {
  start: 'Start',
  stop: 'Stop',
  reset: 'Reset',
  estop: 'E-STOP',
};

/**
 * Start / Stop / Reset / E-STOP. The buttons are not guessed from the state: the server decides,
 * and a refusal (409) is shown with its reason ("acknowledge alarm 101 before the reset").
 */
export function MachineControls() {
  const queryClient = useQueryClient();
  const command = useMutation({
    mutationFn: sendMachineCommand,
    onSuccess: (snapshot: MachineSnapshot) => {
      queryClient.setQueryData(MACHINE_QUERY_KEY, snapshot);
      void queryClient.invalidateQueries({ queryKey: MACHINE_QUERY_KEY });
    },
  });

  // "Start accepted" is news for a few seconds, not for the rest of the shift.
  const { isSuccess, reset } = command;
  useEffect(() => {
    if (!isSuccess) return undefined;
    const timer = setTimeout(reset, ACCEPTED_NOTE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [isSuccess, reset]);

  return (
    <div className="machine-controls">
      <div className="machine-controls__buttons" role="group" aria-label="Machine commands">
        {BUTTONS.map((button) => (
          <button
            key={button.command}
            type="button"
            className={`button machine-controls__button machine-controls__button--${button.command}`}
            title={button.title}
            data-testid={`machine-${button.command}`}
            disabled={command.isPending}
            onClick={() => {
              command.mutate(button.command);
            }}
          >
            {button.label}
          </button>
        ))}
      </div>
      {command.isError && (
        <p className="form-error" role="alert" data-testid="machine-command-error">
          {COMMAND_NAME[command.variables]} {failureVerb(command.error)}: {errorText(command.error)}
        </p>
      )}
      {command.isSuccess && (
        <p className="machine-controls__done" role="status">
          {COMMAND_NAME[command.variables]} accepted
        </p>
      )}
    </div>
  );
}
