import { describe, expect, it } from 'vitest';
import type { Alarm } from './alarmsApi';
import { interlockLamps } from './interlocks';

function alarm(code: number, overrides: Partial<Alarm> = {}): Alarm {
  return {
    run_id: 1,
    id: code,
    code,
    name: `ALARM_${String(code)}`,
    text: 'text',
    action: 'action',
    active: true,
    raised_at: '2026-11-25T03:34:40Z',
    acknowledged_by: null,
    ack_comment: null,
    acknowledged_at: null,
    reset_at: null,
    ...overrides,
  };
}

const stateOf = (lamps: ReturnType<typeof interlockLamps>, code: number) => lamps.find((lamp) => lamp.code === code)?.state;

describe('interlock lamps', () => {
  it('latches the codes of active alarms, acknowledged or not, and clears reset ones', () => {
    const lamps = interlockLamps([
      alarm(101),
      alarm(201, { acknowledged_at: '2026-11-25T03:35:00Z', acknowledged_by: 'Ann' }),
      alarm(301, { active: false, reset_at: '2026-11-25T03:36:00Z' }),
    ]);
    expect(stateOf(lamps, 101)).toBe('latched');
    expect(stateOf(lamps, 201)).toBe('acknowledged');
    expect(stateOf(lamps, 301)).toBe('clear');
    expect(stateOf(lamps, 501)).toBe('clear');
  });

  it('adds a code it does not know, once', () => {
    const lamps = interlockLamps([alarm(999, { id: 1 }), alarm(999, { id: 2 })]);
    expect(lamps.filter((lamp) => lamp.code === 999)).toEqual([{ code: 999, label: 'ALARM_999', state: 'latched' }]);
  });
});
