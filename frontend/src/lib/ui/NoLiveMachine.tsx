import { PanelMessage } from './PanelMessage';

/** What every live panel says on a server without a live machine (`SIM_LIVE=false`). */
export const NO_LIVE_MACHINE_TEXT = 'No live machine on this server.';

/**
 * The one calm message of the live panels (machine, trends, alarms, faults, parts) when this server
 * has no live machine: its endpoints answer 404, or the stream's `hello` names no run.
 */
export function NoLiveMachine() {
  return (
    <PanelMessage kind="unavailable" testId="no-live-machine">
      {NO_LIVE_MACHINE_TEXT}
    </PanelMessage>
  );
}
