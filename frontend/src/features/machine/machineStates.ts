/** How the panel shows the PLC's machine states (names as the API sends them). */

/** The normal cycle, in order (TEMPERING only when the recipe asks for it). */
export const CYCLE_STEPS = ['LOADING', 'CLAMPING', 'HEATING', 'QUENCHING', 'TEMPERING', 'UNLOADING', 'IDLE'] as const;

/** Colour class of a state: green in production, amber while stopped, red in alarm. */
export type StateTone = 'run' | 'heat' | 'idle' | 'stopped' | 'alarm';

export function stateTone(state: string): StateTone {
  switch (state) {
    case 'HEATING':
      return 'heat';
    case 'LOADING':
    case 'CLAMPING':
    case 'QUENCHING':
    case 'TEMPERING':
    case 'UNLOADING':
      return 'run';
    case 'ALARM':
    case 'E_STOP':
      return 'alarm';
    case 'STOPPED':
      return 'stopped';
    default:
      return 'idle';
  }
}

/** "E_STOP" → "E-STOP"; the other names read as they are. */
export function stateLabel(state: string): string {
  return state === 'E_STOP' ? 'E-STOP' : state;
}

/**
 * Seconds in the current state at the newest sample: the snapshot's count plus the samples since
 * (one per simulated second), while the sample still shows the snapshot's state. A different state
 * means it just changed (a fresh snapshot is on its way): 0.
 */
export function secondsInState(
  snapshot: { state: string; seq: number; seconds_in_state: number },
  sample: { machine_state: string; seq: number } | null,
): number {
  if (!sample) return snapshot.seconds_in_state;
  if (sample.machine_state !== snapshot.state) return 0;
  return snapshot.seconds_in_state + Math.max(0, sample.seq - snapshot.seq);
}

/**
 * States after which the snapshot is asked again: IDLE follows a finished part (the part counter),
 * the others come with an alarm or a command.
 */
export const REFETCH_ON_STATES: ReadonlySet<string> = new Set(['IDLE', 'ALARM', 'E_STOP', 'STOPPED']);

/** The snapshot after a `state_change` event at `seq`: the new state, 0 s in it. */
export function applyStateChange<T extends { state: string; seq: number; seconds_in_state: number }>(
  snapshot: T,
  state: string,
  seq: number,
): T {
  if (seq < snapshot.seq) return snapshot;
  return { ...snapshot, state, seq, seconds_in_state: 0 };
}
