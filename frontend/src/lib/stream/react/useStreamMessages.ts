import { useEffect, useEffectEvent } from 'react';
import type { JobProgress, MachineEvent } from '../liveMessages';
import { useLiveData } from './useLiveData';

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

/** Calls `listener` for every `job` progress message of the stream while mounted. */
export function useJobProgress(listener: (job: JobProgress) => void): void {
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
