import { describe, expect, it } from 'vitest';
import { findSampleGaps } from './sampleGaps';

const toPixel = (x: number) => x * 10;

describe('findSampleGaps', () => {
  it('finds no gap in a complete series', () => {
    expect(findSampleGaps([0, 1, 2, 3], new Float64Array([5, 6, 7, 8]), 0, 3, toPixel)).toEqual([]);
  });

  it('breaks the line across a run of dropouts (NaN), from the last point to the next', () => {
    const ys = new Float64Array([5, Number.NaN, Number.NaN, 8, 9]);
    expect(findSampleGaps([0, 1, 2, 3, 4], ys, 0, 4, toPixel)).toEqual([[0, 30]]);
  });

  it('breaks the line where samples never arrived', () => {
    const ys = new Float64Array([1, 2, 3, 4]);
    expect(findSampleGaps([0, 1, 10, 11], ys, 0, 3, toPixel)).toEqual([[10, 100]]);
  });

  it('handles dropouts at the edges of the drawn range', () => {
    const ys = new Float64Array([Number.NaN, 2, 3, Number.NaN]);
    expect(findSampleGaps([0, 1, 2, 3], ys, 0, 3, toPixel)).toEqual([
      [0, 10],
      [20, 30],
    ]);
  });
});
