import { describe, expect, it } from 'vitest';
import { decodeMachineEvent, decodeStreamHello } from './liveMessages';
import { simTimeOf } from './simTime';
import { decodeSignalCatalogue } from './signals';
import { telemetryPageDecoder, telemetryPath } from './telemetryPage';

const decodePage = telemetryPageDecoder(['power_kw', 'surface_temp_c']);

describe('telemetry pages', () => {
  it('decodes a columnar page, dropouts as null', () => {
    const page = decodePage({
      run_id: 4,
      start_sim: '2026-01-01T00:00:00+00:00',
      columns: {
        seq: [10, 11],
        fault_labels: [[], ['ground_fault:active']],
        machine_state: ['HEATING', 'HEATING'],
        part_id: [3, null],
        power_kw: [37.1, null],
        surface_temp_c: [880, 902.5],
      },
    });

    expect(page).toEqual({
      run_id: '4',
      start_sim: Date.parse('2026-01-01T00:00:00Z') / 1000,
      length: 2,
      seq: [10, 11],
      signals: { power_kw: [37.1, null], surface_temp_c: [880, 902.5] },
    });
  });

  it('names what is wrong with a malformed page', () => {
    const base = { seq: [1], power_kw: [1], surface_temp_c: [2] };
    const start_sim = '2026-01-01T00:00:00+00:00';
    expect(() => decodePage({ run_id: 1, start_sim, columns: { ...base, surface_temp_c: undefined } })).toThrow(
      'column "surface_temp_c" is missing',
    );
    expect(() => decodePage({ run_id: 1, start_sim, columns: { ...base, power_kw: [1, 2] } })).toThrow(
      'column "power_kw" has 2 values, "seq" has 1',
    );
    expect(() => decodePage({ run_id: 1, start_sim: 'yesterday', columns: base })).toThrow(
      '"yesterday" is not an ISO 8601 timestamp',
    );
    expect(() => decodePage({ columns: base, start_sim })).toThrow('field "run_id" should be a run id');
  });

  it('builds the back-fill URL: samples after a seq', () => {
    expect(telemetryPath({ runId: '4', afterSeq: 1200, limit: 660 })).toBe('/api/telemetry?run_id=4&after_seq=1200&limit=660');
    expect(telemetryPath({ runId: '4', limit: 60 })).toBe('/api/telemetry?run_id=4&limit=60');
  });
});

describe('signal catalogue', () => {
  it('decodes the catalogue and rejects a name listed twice', () => {
    const entry = { name: 'power_kw', unit: 'kW', description: 'real power' };
    expect(decodeSignalCatalogue([entry])).toEqual([entry]);
    expect(() => decodeSignalCatalogue([entry, entry])).toThrow('signal "power_kw" is listed twice');
    expect(() => decodeSignalCatalogue({ signals: [] })).toThrow('expected a JSON array of signals');
  });
});

describe('stream hello', () => {
  it('carries the run and its start_sim (sim time = start_sim + seq s); none without a live machine', () => {
    expect(decodeStreamHello({ run_id: 3, start_sim: '2026-01-01T00:00:00+00:00', seq: 41 })).toEqual({
      run_id: '3',
      start_sim: Date.parse('2026-01-01T00:00:00Z') / 1000,
      seq: 41,
    });
    expect(decodeStreamHello({ run_id: null, start_sim: null, seq: -1 })).toEqual({ run_id: null, start_sim: null, seq: -1 });
    expect(() => decodeStreamHello({ run_id: 3, seq: 41 })).toThrow('start_sim');
    expect(simTimeOf(Date.parse('2026-01-01T00:00:00Z') / 1000, 90)).toBe(Date.parse('2026-01-01T00:01:30Z') / 1000);
  });
});

describe('machine events', () => {
  it('decodes an event as the server sends it (no id; operator and comment for acknowledgements)', () => {
    const event = decodeMachineEvent({
      run_id: 1,
      seq: 433,
      kind: 'alarm_acknowledged',
      code: 101,
      from_state: null,
      to_state: null,
      message: 'coil cooling water flow low',
      operator: 'Ann',
      comment: 'filter changed',
    });

    expect(event).toMatchObject({
      id: null,
      run_id: '1',
      seq: 433,
      kind: 'alarm_acknowledged',
      code: 101,
      from_state: null,
      operator: 'Ann',
      comment: 'filter changed',
    });
  });
});
