/**
 * Where a trend line must break. The store keeps dropouts as `NaN` (typed arrays hold no `null`),
 * which uPlot would draw straight across, and samples that never arrived leave a jump in time;
 * both become gaps, given to uPlot as pixel ranges that its line is clipped out of.
 */

/** A jump of more than this many sample periods is missing data, not a slow sample. */
export const MAX_SAMPLE_STEP_S = 3;

export type PixelGap = [from: number, to: number];

interface Column {
  readonly length: number;
  readonly [index: number]: number | null | undefined;
}

function isMissing(value: number | null | undefined): boolean {
  return value === null || value === undefined || Number.isNaN(value);
}

/**
 * Gaps between `firstIndex` and `lastIndex`: from the last drawn point before a run of missing
 * values (or a time jump) to the next drawn point, in the pixels `toPixel` gives.
 */
export function findSampleGaps(
  xs: Column,
  ys: Column,
  firstIndex: number,
  lastIndex: number,
  toPixel: (x: number) => number,
  maxStep = MAX_SAMPLE_STEP_S,
): PixelGap[] {
  const gaps: PixelGap[] = [];
  const x = (index: number) => xs[index] ?? Number.NaN;
  let index = firstIndex;
  while (index <= lastIndex) {
    if (isMissing(ys[index])) {
      const runStart = index;
      while (index <= lastIndex && isMissing(ys[index])) index += 1;
      const from = runStart > firstIndex ? x(runStart - 1) : x(runStart);
      const to = index <= lastIndex ? x(index) : x(lastIndex);
      gaps.push([toPixel(from), toPixel(to)]);
      continue;
    }
    if (index > firstIndex && x(index) - x(index - 1) > maxStep && !isMissing(ys[index - 1])) {
      gaps.push([toPixel(x(index - 1)), toPixel(x(index))]);
    }
    index += 1;
  }
  return gaps;
}
