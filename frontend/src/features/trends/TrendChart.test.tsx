import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SampleStore } from '../../lib/stream';
import { FakeResizeObserver } from '../../test/fakeResizeObserver';
import FakeUPlot from '../../test/fakeUPlot';
import { liveSample, range, TEST_SIGNALS, timeOf, RUN_START_S } from '../../test/liveFixtures';
import { manualFrames } from '../../test/manualFrames';
import { TREND_CHART_HEIGHT, TrendChart } from './TrendChart';
import type { TrendSeries } from './trendGroups';

vi.mock('uplot', () => import('../../test/fakeUPlot'));

const SERIES: readonly TrendSeries[] = [
  { signal: 'power_kw', label: 'Power', unit: 'kW', color: '#38bdf8' },
  { signal: 'surface_temp_c', label: 'Surface', unit: '°C', color: '#f59e0b' },
];

function setup() {
  FakeUPlot.reset();
  FakeResizeObserver.install();
  const frames = manualFrames();
  const store = new SampleStore({ signals: TEST_SIGNALS, capacity: 100, scheduler: frames.scheduler });
  store.startRun('1', RUN_START_S);
  const view = render(<TrendChart title="Power" series={SERIES} source={store} windowSeconds={60} />);
  const chart = () => {
    expect(FakeUPlot.instances).toHaveLength(1);
    const [only] = FakeUPlot.instances;
    if (!only) throw new Error('no chart');
    return only;
  };
  const deliver = (seqs: number[]) => {
    for (const seq of seqs) store.append(liveSample(seq));
    act(() => {
      frames.runFrame();
    });
  };
  return { store, frames, view, chart, deliver };
}

function xs(data: FakeUPlot['data']): number[] {
  return Array.from(data[0]);
}

describe('TrendChart', () => {
  beforeEach(() => {
    FakeUPlot.reset();
  });

  it('creates one uPlot in its figure, with a series per signal', () => {
    const { chart } = setup();

    expect(screen.getByRole('figure', { name: 'Power' })).toContainElement(chart().target ?? null);
    expect(chart().options.series.map((series) => series.label)).toEqual([undefined, 'Power', 'Surface']);
    expect(chart().options.series[1]?.scale).toBe('kW');
    expect(chart().data).toHaveLength(3);
  });

  it('updates the same chart with setData on store notifications, once per frame', () => {
    const { chart, deliver } = setup();
    const setDataCallsAtMount = chart().setData.mock.calls.length;

    deliver([0, 1, 2]);
    deliver([3]);

    expect(FakeUPlot.instances).toHaveLength(1);
    expect(chart().setData).toHaveBeenCalledTimes(setDataCallsAtMount + 2);
    expect(xs(chart().data)).toEqual([0, 1, 2, 3].map(timeOf));
    expect(Array.from(chart().data[1] ?? [])).toEqual([1, 11, 21, 31]);
  });

  it('shows only the window and scales x to it, without re-creating the chart', () => {
    const { chart, deliver, view, store } = setup();
    deliver(range(0, 200));
    expect(xs(chart().data)).toEqual(range(139, 200).map(timeOf)); // [last − 60 s, last]
    expect(chart().xRange(timeOf(140), timeOf(199))).toEqual([timeOf(199) - 60, timeOf(199)]);

    view.rerender(<TrendChart title="Power" series={SERIES} source={store} windowSeconds={600} />);

    expect(FakeUPlot.instances).toHaveLength(1);
    expect(xs(chart().data)).toHaveLength(100); // everything held
    expect(chart().xRange(timeOf(100), timeOf(199))).toEqual([timeOf(199) - 600, timeOf(199)]);
  });

  it('follows the width of its container', () => {
    const { chart } = setup();
    const [observer] = FakeResizeObserver.instances;

    observer?.resize(812.6);

    expect(observer?.observe).toHaveBeenCalledWith(chart().target);
    expect(chart().setSize).toHaveBeenCalledWith({ width: 812, height: TREND_CHART_HEIGHT });
  });

  it('destroys the chart and stops listening on unmount', () => {
    const { chart, view, store, frames } = setup();
    const instance = chart();
    const calls = instance.setData.mock.calls.length;

    view.unmount();
    store.append(liveSample(0));
    frames.runFrame();

    expect(instance.destroy).toHaveBeenCalledTimes(1);
    expect(instance.setData).toHaveBeenCalledTimes(calls);
    expect(FakeResizeObserver.instances[0]?.disconnect).toHaveBeenCalled();
  });
});
