import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlignedSeries } from '../../lib/stream';
import { chartOptions } from './chartOptions';
import type { TrendSeries } from './trendGroups';

/** What a chart reads: the sample store, or anything shaped like it. */
export interface TrendSource {
  subscribe(listener: () => void): () => void;
  series(signals: readonly string[], fromTime?: number): AlignedSeries;
  readonly lastTime: number | undefined;
}

/** Paces the redraws of several charts (see `RedrawPacer`); without one a chart follows every store change. */
export interface ChartPacer {
  register(chart: { draw(): void }): () => void;
}

export const TREND_CHART_HEIGHT = 160;
/** Width before the first layout (and in tests): the ResizeObserver corrects it at once. */
const INITIAL_WIDTH = 600;

/** The newest `windowSeconds` of the source, as uPlot data (views, no copies). */
function windowedData(source: TrendSource, signals: readonly string[], windowSeconds: number): AlignedSeries {
  const lastTime = source.lastTime;
  return source.series(signals, lastTime === undefined ? undefined : lastTime - windowSeconds);
}

/**
 * One uPlot chart, created once per mount and updated imperatively: every store notification (at
 * most one per animation frame) calls `setData` with fresh views; React never holds the samples.
 */
export function TrendChart({
  title,
  series,
  source,
  windowSeconds,
  height = TREND_CHART_HEIGHT,
  pacer,
}: {
  title: string;
  series: readonly TrendSeries[];
  source: TrendSource;
  windowSeconds: number;
  height?: number;
  pacer?: ChartPacer | undefined;
}) {
  const figureRef = useRef<HTMLElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const windowRef = useRef(windowSeconds);

  useEffect(() => {
    const container = plotRef.current;
    if (!container) return undefined;
    const signals = series.map((line) => line.signal);
    const currentData = () => windowedData(source, signals, windowRef.current);
    const chart = new uPlot(
      chartOptions(series, {
        width: container.clientWidth || INITIAL_WIDTH,
        height,
        windowSeconds: () => windowRef.current,
      }),
      currentData(),
      container,
    );
    chartRef.current = chart;
    const figure = figureRef.current;
    const draw = () => {
      const data = currentData();
      chart.setData(data);
      // For tests and tools: the newest time drawn and the points in the window, without React.
      if (figure) {
        const times = data[0];
        figure.dataset.lastTime = String(times.length > 0 ? times[times.length - 1] : '');
        figure.dataset.points = String(times.length);
      }
    };
    const unsubscribe = pacer ? pacer.register({ draw }) : source.subscribe(draw);
    const resizeObserver =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const width = Math.floor(entries[0]?.contentRect.width ?? 0);
            if (width > 0 && width !== chart.width) chart.setSize({ width, height });
          });
    resizeObserver?.observe(container);
    return () => {
      unsubscribe();
      resizeObserver?.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [source, series, height, pacer]);

  useEffect(() => {
    if (windowRef.current === windowSeconds) return;
    windowRef.current = windowSeconds;
    chartRef.current?.setData(windowedData(source, series.map((line) => line.signal), windowSeconds));
  }, [windowSeconds, source, series]);

  return (
    <figure className="trend-chart" data-testid="trend-chart" aria-label={title} ref={figureRef}>
      <figcaption className="trend-chart__title">{title}</figcaption>
      <div className="trend-chart__plot" ref={plotRef} />
    </figure>
  );
}
