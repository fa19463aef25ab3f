import type { SignalCatalogue } from '../../lib/stream';

/** One line of a chart: a catalogue signal with a short label. */
export interface TrendSeries {
  signal: string;
  label: string;
  unit: string;
  color: string;
}

export interface TrendGroup {
  id: string;
  title: string;
  series: readonly TrendSeries[];
}

interface TrendGroupSpec {
  id: string;
  title: string;
  series: readonly { signal: string; label: string }[];
}

/** The charts of the panel, in display order; signals by their catalogue names. */
export const TREND_GROUP_SPECS: readonly TrendGroupSpec[] = [
  {
    id: 'power',
    title: 'Power & frequency',
    series: [
      { signal: 'power_kw', label: 'Power' },
      { signal: 'power_setpoint_kw', label: 'Setpoint' },
      { signal: 'frequency_hz', label: 'Frequency' },
    ],
  },
  {
    id: 'coil',
    title: 'Coil current & voltage',
    series: [
      { signal: 'coil_current_a', label: 'Current' },
      { signal: 'coil_voltage_v', label: 'Voltage' },
    ],
  },
  { id: 'surface', title: 'Surface temperature', series: [{ signal: 'surface_temp_c', label: 'Surface' }] },
  {
    id: 'coil-water',
    title: 'Coil cooling water',
    series: [
      { signal: 'coil_water_flow_lpm', label: 'Flow' },
      { signal: 'coil_water_in_c', label: 'Inlet' },
      { signal: 'coil_water_out_c', label: 'Outlet' },
    ],
  },
  {
    id: 'quench-supply',
    title: 'Quench flow & pressure',
    series: [
      { signal: 'quench_flow_lpm', label: 'Flow' },
      { signal: 'quench_pressure_bar', label: 'Pressure' },
    ],
  },
  {
    id: 'quench-medium',
    title: 'Quench temperature & concentration',
    series: [
      { signal: 'quench_temp_c', label: 'Temperature' },
      { signal: 'quench_concentration_pct', label: 'Concentration' },
    ],
  },
  { id: 'scan', title: 'Scan position', series: [{ signal: 'scan_position_mm', label: 'Position' }] },
];

/** Line colours within one chart, readable on the dark panel. */
export const SERIES_COLORS = ['#38bdf8', '#f59e0b', '#a78bfa', '#34d399'] as const;

/**
 * The groups with units from the catalogue. A signal the server does not list is left out, and so is
 * a group left with no signal.
 */
export function resolveTrendGroups(
  catalogue: SignalCatalogue,
  specs: readonly TrendGroupSpec[] = TREND_GROUP_SPECS,
): TrendGroup[] {
  const units = new Map(catalogue.map((signal) => [signal.name, signal.unit]));
  return specs
    .map((spec) => ({
      id: spec.id,
      title: spec.title,
      series: spec.series.flatMap(({ signal, label }, index) => {
        const unit = units.get(signal);
        if (unit === undefined) return [];
        return [{ signal, label, unit, color: SERIES_COLORS[index % SERIES_COLORS.length] ?? SERIES_COLORS[0] }];
      }),
    }))
    .filter((group) => group.series.length > 0);
}
