import type uPlot from 'uplot';
import { findSampleGaps } from './sampleGaps';
import type { TrendSeries } from './trendGroups';

const AXIS_COLOR = '#9aa5b1';
const GRID_COLOR = 'rgba(154, 165, 177, 0.15)';
const AXIS_FONT = '11px system-ui, sans-serif';
/* uPlot's `Axis.Side` is an ambient const enum, which `isolatedModules` cannot read: its values here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- Axis.Side.Right
const SIDE_RIGHT = 1 as uPlot.Axis.Side;
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- Axis.Side.Left
const SIDE_LEFT = 3 as uPlot.Axis.Side;

/** "37.1 kW", "1 234 rpm", "—" for a dropout. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const shownUnit = unit === '1' ? '' : ` ${unit}`;
  return `${value.toFixed(digits)}${shownUnit}`;
}

/** Distinct units in order of first appearance: each gets a scale, the first two an axis (left, right). */
export function unitsOf(series: readonly TrendSeries[]): string[] {
  return [...new Set(series.map((line) => line.unit))];
}

const gapsFromNaN: uPlot.Series.GapsRefiner = (chart, seriesIndex, firstIndex, lastIndex, nullGaps) => {
  const xs = chart.data[0];
  const ys = chart.data[seriesIndex];
  if (!ys) return nullGaps;
  const gaps = findSampleGaps(xs, ys, firstIndex, lastIndex, (x) => Math.round(chart.valToPos(x, 'x', true)));
  return gaps.length === 0 ? nullGaps : [...nullGaps, ...gaps].sort((a, b) => a[0] - b[0]);
};

/** Lowest and highest finite value of some columns (dropouts are NaN), or null when there is none. */
export function finiteExtent(columns: readonly Iterable<number | null | undefined>[]): [number, number] | null {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const column of columns) {
    for (const value of column) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  return low <= high ? [low, high] : null;
}

/** A little room above and below the data; a flat line gets a band around it. */
export function paddedRange(extent: [number, number] | null): uPlot.Range.MinMax {
  if (!extent) return [0, 1];
  const [low, high] = extent;
  if (low === high) {
    const half = Math.abs(low) * 0.05 || 1;
    return [low - half, high + half];
  }
  const pad = (high - low) * 0.08;
  return [low - pad, high + pad];
}

/**
 * uPlot's own auto-range takes the first non-null value as the starting min and max; a dropout
 * there (NaN) would make the whole scale NaN and hide its lines. This one skips NaN.
 */
function rangeOfSeries(seriesIndexes: readonly number[]): uPlot.Range.Function {
  return (chart) => paddedRange(finiteExtent(seriesIndexes.map((index) => chart.data[index] ?? [])));
}

/** Wide enough for the longest tick label ("10,000") and the unit label beside it (no labels yet: null). */
function axisSize(_chart: uPlot, values: readonly string[] | null): number {
  const longest = Math.max(3, ...(values ?? []).map((value) => value.length));
  return 22 + longest * 7;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Read on every redraw: the x range is the newest `windowSeconds()` of simulated time. */
  windowSeconds: () => number;
}

/** uPlot options for one trend chart: time on x, one scale per unit, dark HMI colours. */
export function chartOptions(series: readonly TrendSeries[], layout: ChartLayout): uPlot.Options {
  const units = unitsOf(series);
  const unitAxes: uPlot.Axis[] = units.slice(0, 2).map((unit, index) => ({
    scale: unit,
    side: index === 0 ? SIDE_LEFT : SIDE_RIGHT,
    label: unit === '1' ? '' : unit,
    labelSize: 14,
    labelFont: AXIS_FONT,
    font: AXIS_FONT,
    stroke: AXIS_COLOR,
    size: axisSize,
    grid: { show: index === 0, stroke: GRID_COLOR, width: 1 },
    ticks: { stroke: GRID_COLOR, width: 1 },
  }));
  return {
    width: layout.width,
    height: layout.height,
    pxAlign: false,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: {
        time: true,
        range: (_chart, min, max) => (Number.isFinite(max) ? [max - layout.windowSeconds(), max] : [min, max]),
      },
      ...Object.fromEntries(
        units.map((unit) => {
          const onThisScale = series.flatMap((line, index) => (line.unit === unit ? [index + 1] : []));
          return [unit, { auto: true, range: rangeOfSeries(onThisScale) }];
        }),
      ),
    },
    axes: [
      {
        stroke: AXIS_COLOR,
        font: AXIS_FONT,
        grid: { stroke: GRID_COLOR, width: 1 },
        ticks: { stroke: GRID_COLOR, width: 1 },
      },
      ...unitAxes,
    ],
    series: [
      {},
      ...series.map(
        (line): uPlot.Series => ({
          label: line.label,
          scale: line.unit,
          stroke: line.color,
          width: 1.5,
          points: { show: false },
          gaps: gapsFromNaN,
          value: (_chart, value) => formatValue(value, line.unit),
        }),
      ),
    ],
  };
}
