import { describe, expect, it } from 'vitest';
import { energyVerdict } from './energyWindow';
import { applyStateChange, secondsInState, stateTone } from './machineStates';

describe('seconds in state', () => {
  const snapshot = { state: 'HEATING', seq: 100, seconds_in_state: 5 };

  it('counts on from the snapshot with the samples of the same state', () => {
    expect(secondsInState(snapshot, null)).toBe(5);
    expect(secondsInState(snapshot, { machine_state: 'HEATING', seq: 104 })).toBe(9);
  });

  it('starts at 0 when the newest sample shows another state', () => {
    expect(secondsInState(snapshot, { machine_state: 'QUENCHING', seq: 104 })).toBe(0);
  });
});

describe('state change events', () => {
  it('move the snapshot to the new state at the event’s sample, never back', () => {
    const snapshot = { state: 'CLAMPING', seq: 100, seconds_in_state: 2 };
    expect(applyStateChange(snapshot, 'HEATING', 101)).toEqual({ state: 'HEATING', seq: 101, seconds_in_state: 0 });
    expect(applyStateChange(snapshot, 'LOADING', 90)).toBe(snapshot);
    expect(secondsInState(applyStateChange(snapshot, 'HEATING', 101), { machine_state: 'HEATING', seq: 106 })).toBe(5);
  });
});

describe('energy verdict', () => {
  const window = [703, 777] as const;

  it('is in window between the limits, above over the top at any time', () => {
    expect(energyVerdict(740, window, 'HEATING')).toBe('in-window');
    expect(energyVerdict(800, window, 'HEATING')).toBe('above');
  });

  it('calls a low energy "below" only once the heat is over', () => {
    expect(energyVerdict(500, window, 'HEATING')).toBe('heating');
    expect(energyVerdict(500, window, 'QUENCHING')).toBe('below');
    expect(energyVerdict(0, window, 'LOADING')).toBe('waiting');
    expect(energyVerdict(null, window, 'HEATING')).toBe('waiting');
  });
});

describe('state tone', () => {
  it('is red for ALARM and E_STOP, amber for STOPPED', () => {
    expect(stateTone('ALARM')).toBe('alarm');
    expect(stateTone('E_STOP')).toBe('alarm');
    expect(stateTone('STOPPED')).toBe('stopped');
    expect(stateTone('LOADING')).toBe('run');
  });
});
