import type uPlot from 'uplot';
import { vi } from 'vitest';

/**
 * Stand-in for the `uplot` module in jsdom (no canvas): records how a component drives the chart.
 * Use with `vi.mock('uplot', () => import('../../test/fakeUPlot'))`.
 */
export default class FakeUPlot {
  static readonly instances: FakeUPlot[] = [];

  readonly options: uPlot.Options;
  readonly target: HTMLElement | undefined;
  data: uPlot.AlignedData;
  width: number;
  height: number;
  readonly setData = vi.fn((data: uPlot.AlignedData) => {
    this.data = data;
  });
  readonly setSize = vi.fn((size: { width: number; height: number }) => {
    this.width = size.width;
    this.height = size.height;
  });
  readonly destroy = vi.fn();

  constructor(options: uPlot.Options, data: uPlot.AlignedData, target?: HTMLElement) {
    this.options = options;
    this.data = data;
    this.target = target;
    this.width = options.width;
    this.height = options.height;
    FakeUPlot.instances.push(this);
  }

  /** The x range uPlot would set for data from `min` to `max`. */
  xRange(min: number, max: number): uPlot.Range.MinMax {
    const range = this.options.scales?.x?.range;
    if (typeof range !== 'function') throw new Error('the x scale has no range function');
    return range(this as unknown as uPlot, min, max, 'x');
  }

  static reset(): void {
    FakeUPlot.instances.length = 0;
  }
}
