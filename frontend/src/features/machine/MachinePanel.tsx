import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isNotFound } from '../../lib/api';
import { recipesQueryOptions } from '../../lib/plant';
import type { LiveStatusSnapshot, LiveStream } from '../../lib/stream';
import { useLiveData, useLiveMachine, useLiveSelector, useMachineEvents } from '../../lib/stream/react';
import { NoLiveMachine, PanelMessage } from '../../lib/ui';
import { MachineControls } from './MachineControls';
import { MACHINE_QUERY_KEY, machineQueryOptions, type MachineSnapshot } from './machineApi';
import { applyStateChange, REFETCH_ON_STATES } from './machineStates';
import { MachineView } from './MachineView';
import './machine.css';

/** Event kinds that change what the snapshot says beyond the state (alarm, faults, commands). */
const SNAPSHOT_EVENTS = new Set([
  'alarm_raised',
  'alarm_acknowledged',
  'alarm_reset',
  'operator_action',
  'fault_injected',
  'fault_cleared',
]);

const selectLatest = (status: LiveStatusSnapshot | null) => status?.latest ?? null;

/**
 * The snapshot with the newest sample of the same run (re-rendered at most 4 times a second by the
 * live status; no sample without a stream).
 */
function MachineBody({ stream, snapshot }: { stream: LiveStream | null; snapshot: MachineSnapshot }) {
  const latest = useLiveSelector(stream, selectLatest);
  const recipes = useQuery(recipesQueryOptions());
  const recipe = recipes.data?.find((candidate) => candidate.name === snapshot.recipe);
  const sample = latest?.run_id === String(snapshot.run_id) ? latest : null;
  return <MachineView snapshot={snapshot} sample={sample} recipe={recipe} />;
}

/**
 * The machine: state and step, part counter, recipe, mimic with live values, energy monitor and
 * the operator commands. The snapshot (`GET /api/machine`) is refreshed on machine events from the
 * stream; the live values come from the stream itself.
 */
export function MachinePanel() {
  const liveData = useLiveData();
  const stream = liveData.status === 'ready' ? liveData.stream : null;
  const queryClient = useQueryClient();
  const liveMachine = useLiveMachine();
  const machine = useQuery({ ...machineQueryOptions(), enabled: liveMachine !== false });
  useMachineEvents((event) => {
    if (event.kind === 'state_change' && event.to_state !== null) {
      // A cycle has six state changes: the snapshot follows them without a request, and is asked
      // again only where it says more (a finished part, an alarm or stop).
      const { to_state: state, seq } = event;
      queryClient.setQueryData<MachineSnapshot>(MACHINE_QUERY_KEY, (old) => (old ? applyStateChange(old, state, seq) : old));
      if (!REFETCH_ON_STATES.has(state)) return;
    } else if (!SNAPSHOT_EVENTS.has(event.kind)) {
      return;
    }
    void queryClient.invalidateQueries({ queryKey: MACHINE_QUERY_KEY });
  });

  const noLiveMachine = liveMachine === false || isNotFound(machine.error);
  let body: ReactNode;
  if (noLiveMachine) {
    body = <NoLiveMachine />;
  } else if (machine.data) {
    body = <MachineBody stream={stream} snapshot={machine.data} />;
  } else if (machine.error) {
    body = <PanelMessage kind="error">Machine state could not be loaded: {machine.error.message}</PanelMessage>;
  } else {
    body = <PanelMessage kind="loading">Loading the machine…</PanelMessage>;
  }

  return (
    <section className="panel panel--machine machine" data-testid="panel-machine" aria-label="Machine">
      <h2 className="panel__title">Machine</h2>
      {body}
      {!noLiveMachine && <MachineControls />}
    </section>
  );
}
