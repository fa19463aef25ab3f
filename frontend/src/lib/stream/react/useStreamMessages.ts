import { useEffect, useEffectEvent } from 'react';
import type { JobView } from '../jobView';
import type { MachineEvent } from '../liveMessages';
import type { LiveStatusSnapshot } from '../liveStatus';
import { useLiveData } from './useLiveData';
import { useLiveSelector } from './useLiveSelector';

/**
 * Calls `listener` for every machine event of the dashboard's stream (state changes, alarms, faults)
 * while mounted; nothing happens while the stream is not ready. Panels use it to refresh their REST
 * data the moment something changes instead of polling fast.
 */
export function useMachineEvents(listener: (event: MachineEvent) => void): void {
  const liveData = useLiveData();
  const stream = liveData.status === 'ready' ? liveData.stream : null;
  const onEvent = useEffectEvent(listener);
  useEffect(() => {
    if (!stream) return undefined;
    return stream.machineEvents.subscribe((event) => {
      onEvent(event);
    });
  }, [stream]);
}

/**
 * Calls `listener` for every `job` message of the stream while mounted: the job's whole view (as
 * `GET /api/jobs/{id}` answers) when it is created, twice a second while it runs, and once at its end.
 */
export function useJobMessages(listener: (job: JobView) => void): void {
  const liveData = useLiveData();
  const stream = liveData.status === 'ready' ? liveData.stream : null;
  const onJob = useEffectEvent(listener);
  useEffect(() => {
    if (!stream) return undefined;
    return stream.jobs.subscribe((job) => {
      onJob(job);
    });
  }, [stream]);
}

const selectLiveMachine = (status: LiveStatusSnapshot | null) => status?.connection.liveMachine ?? null;

/**
 * Whether this server has a live machine, as the stream's `hello` said: `false` on a server started
 * with `SIM_LIVE=false` (its stream carries job messages only), `true` with a live run, `null` while
 * nobody knows yet (no stream, or no `hello` so far). Live panels show `<NoLiveMachine/>` on `false`
 * and stop asking for the live machine's endpoints.
 */
export function useLiveMachine(): boolean | null {
  const liveData = useLiveData();
  return useLiveSelector(liveData.status === 'ready' ? liveData.stream : null, selectLiveMachine);
}

const selectOpen = (status: LiveStatusSnapshot | null) => status?.connection.state === 'open';

/**
 * True while the dashboard's stream is connected, so its messages arrive (panels then poll only as a
 * safety net). Re-renders only when that changes.
 */
export function useStreamOpen(): boolean {
  const liveData = useLiveData();
  return useLiveSelector(liveData.status === 'ready' ? liveData.stream : null, selectOpen);
}
