import type { Alarm } from './alarmsApi';

/**
 * The PLC's interlocks by alarm code (the backend's alarm table, `machine/states.py`). An alarm code
 * the server reports that is not listed here is shown too, by its name.
 */
export const INTERLOCKS: readonly { code: number; label: string }[] = [
  { code: 101, label: 'Coil water flow' },
  { code: 102, label: 'Coil water outlet temp.' },
  { code: 201, label: 'Quench flow' },
  { code: 202, label: 'Quench tank temp.' },
  { code: 301, label: 'Inverter' },
  { code: 302, label: 'Ground fault' },
  { code: 303, label: 'No load' },
  { code: 304, label: 'Part overtemp.' },
  { code: 401, label: 'Safety door' },
  { code: 501, label: 'Emergency stop' },
];

/** `clear`; `latched` (raised, not acknowledged); `acknowledged` (latched until the reset). */
export type InterlockState = 'clear' | 'latched' | 'acknowledged';

export interface InterlockLamp {
  code: number;
  label: string;
  state: InterlockState;
}

export function interlockLamps(alarms: readonly Alarm[]): InterlockLamp[] {
  const active = alarms.filter((alarm) => alarm.active);
  const known = new Set(INTERLOCKS.map((interlock) => interlock.code));
  const extra = new Map(
    active.filter((alarm) => !known.has(alarm.code)).map((alarm) => [alarm.code, { code: alarm.code, label: alarm.name }]),
  );
  return [...INTERLOCKS, ...extra.values()].map(({ code, label }) => {
    const latched = active.filter((alarm) => alarm.code === code);
    let state: InterlockState = 'clear';
    if (latched.some((alarm) => alarm.acknowledged_at === null)) state = 'latched';
    else if (latched.length > 0) state = 'acknowledged';
    return { code, label, state };
  });
}
