import { describe, expect, it } from 'vitest';
import { decodeMachineEvent } from './liveMessages';
import { decodeSignalCatalogue } from './signals';
import { telemetryPageDecoder, telemetryPath } from './telemetryPage';

const decodePage = telemetryPageDecoder(['power_kw', 'surface_temp_c']);

describe('telemetry pages', () => {
  it('decodes a columnar page, dropouts as null', () => {
    const page = decodePage({
      run_id: 4,
      columns: {
        seq: [10, 11],
        timestamp_sim: ['2026-01-01T00:00:10+00:00', '2026-01-01T00:00:11+00:00'],
        machine_state: ['HEATING', 'HEATING'],
        part_id: [3, null],
        power_kw: [37.1, null],
        surface_temp_c: [880, 902.5],
      },
    });

    expect(page).toEqual({
      run_id: '4',
      length: 2,
      seq: [10, 11],
      timestamp_sim: ['2026-01-01T00:00:10+00:00', '2026-01-01T00:00:11+00:00'],
      signals: { power_kw: [37.1, null], surface_temp_c: [880, 902.5] },
    });
  });

  it('names what is wrong with a malformed page', () => {
    const base = { seq: [1], timestamp_sim: ['2026-01-01T00:00:01+00:00'], power_kw: [1], surface_temp_c: [2] };
    expect(() => decodePage({ run_id: 1, columns: { ...base, surface_temp_c: undefined } })).toThrow(
      'column "surface_temp_c" is missing',
    );
    expect(() => decodePage({ run_id: 1, columns: { ...base, power_kw: [1, 2] } })).toThrow(
      'column "power_kw" has 2 values, "seq" has 1',
    );
    expect(() => decodePage({ run_id: 1, columns: { ...base, timestamp_sim: ['yesterday'] } })).toThrow(
      'column "timestamp_sim" should hold ISO 8601 timestamps',
    );
    expect(() => decodePage({ columns: base })).toThrow('field "run_id" should be a run id');
  });

  it('builds the back-fill URL', () => {
    expect(telemetryPath({ runId: '4', since: '2026-01-01T00:00:10.000Z', limit: 660 })).toBe(
      '/api/telemetry?run_id=4&since=2026-01-01T00%3A00%3A10.000Z&limit=660',
    );
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

describe('machine events', () => {
  it('decodes an event as the server sends it (no id; operator and comment for acknowledgements)', () => {
    const event = decodeMachineEvent({
      run_id: 1,
      seq: 433,
      timestamp_sim: '2026-11-25T03:39:18+00:00',
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
