import { describe, expect, it } from 'vitest';
import { resolveTrendGroups, TREND_GROUP_SPECS } from './trendGroups';

describe('resolveTrendGroups', () => {
  it('takes units from the catalogue and leaves out signals and groups it does not list', () => {
    const groups = resolveTrendGroups([
      { name: 'power_kw', unit: 'kW', description: '' },
      { name: 'frequency_hz', unit: 'Hz', description: '' },
      { name: 'scan_position_mm', unit: 'mm', description: '' },
    ]);

    expect(groups.map((group) => group.id)).toEqual(['power', 'scan']);
    expect(groups[0]?.series.map(({ signal, unit }) => `${signal} [${unit}]`)).toEqual([
      'power_kw [kW]',
      'frequency_hz [Hz]',
    ]);
  });

  it('charts the signals the issue asks for', () => {
    const charted = TREND_GROUP_SPECS.flatMap((group) => group.series.map((series) => series.signal));
    expect(charted).toEqual(
      expect.arrayContaining([
        'power_kw',
        'frequency_hz',
        'coil_current_a',
        'coil_voltage_v',
        'surface_temp_c',
        'coil_water_flow_lpm',
        'coil_water_in_c',
        'coil_water_out_c',
        'quench_flow_lpm',
        'quench_pressure_bar',
        'quench_temp_c',
        'quench_concentration_pct',
        'scan_position_mm',
      ]),
    );
  });
});
