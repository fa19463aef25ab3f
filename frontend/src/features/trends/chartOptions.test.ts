import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { chartOptions, finiteExtent, formatValue, paddedRange } from './chartOptions';
import type { TrendSeries } from './trendGroups';

const POWER_AND_FREQUENCY: TrendSeries[] = [
  { signal: 'power_kw', label: 'Power', unit: 'kW', color: '#38bdf8' },
  { signal: 'power_setpoint_kw', label: 'Setpoint', unit: 'kW', color: '#f59e0b' },
  { signal: 'frequency_hz', label: 'Frequency', unit: 'Hz', color: '#a78bfa' },
];

function rangeOf(options: uPlot.Options, scale: string, data: uPlot.AlignedData, min = 0, max = 0) {
  const range = options.scales?.[scale]?.range;
  if (typeof range !== 'function') throw new Error(`scale ${scale} has no range function`);
  const chart = { data } as unknown as uPlot; // a range function reads only `data`
  return range(chart, min, max, scale);
}

describe('chartOptions', () => {
  const options = chartOptions(POWER_AND_FREQUENCY, { width: 600, height: 150, windowSeconds: () => 600 });

  it('gives each unit a scale and the first two units an axis, left then right', () => {
    expect(options.series.slice(1).map((series) => series.scale)).toEqual(['kW', 'kW', 'Hz']);
    expect(options.axes?.slice(1).map((axis) => [axis.scale, axis.side])).toEqual([
      ['kW', 3],
      ['Hz', 1],
    ]);
  });

  it('ranges a scale over its finite values even when a dropout comes first', () => {
    const data: uPlot.AlignedData = [
      new Float64Array([0, 1, 2]),
      new Float64Array([Number.NaN, 30, 40]),
      new Float64Array([35, 35, Number.NaN]),
      new Float64Array([10_000, 10_100, 10_050]),
    ];

    expect(rangeOf(options, 'kW', data)).toEqual([29.2, 40.8]);
    expect(rangeOf(options, 'Hz', data)).toEqual([9_992, 10_108]);
  });

  it('shows the newest window of time on x', () => {
    expect(rangeOf(options, 'x', [new Float64Array([1_000, 2_000])], 1_000, 2_000)).toEqual([1_400, 2_000]);
  });
});

describe('chart helpers', () => {
  it('finds the extent of finite values only', () => {
    expect(finiteExtent([new Float64Array([Number.NaN, 3, 1]), [null, 7]])).toEqual([1, 7]);
    expect(finiteExtent([new Float64Array([Number.NaN])])).toBeNull();
  });

  it('pads a range, and gives a flat or empty series a band', () => {
    expect(paddedRange([0, 100])).toEqual([-8, 108]);
    expect(paddedRange([40, 40])).toEqual([38, 42]);
    expect(paddedRange(null)).toEqual([0, 1]);
  });

  it('formats legend values with their unit, a dropout as a dash', () => {
    expect(formatValue(37.14, 'kW')).toBe('37.1 kW');
    expect(formatValue(10_012.4, 'Hz')).toBe('10012 Hz');
    expect(formatValue(0.2012, '1')).toBe('0.20');
    expect(formatValue(Number.NaN, 'kW')).toBe('—');
    expect(formatValue(null, 'kW')).toBe('—');
  });
});
