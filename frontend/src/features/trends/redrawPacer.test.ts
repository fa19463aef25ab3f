import { describe, expect, it, vi } from 'vitest';
import { RedrawPacer, redrawIntervalMs } from './redrawPacer';

/** A pacer on a hand-driven clock and timer. */
function pacedCharts(count: number, intervalMs: number) {
  let now = 0;
  let timer: { at: number; callback: () => void } | null = null;
  const pacer = new RedrawPacer({
    now: () => now,
    setTimer: (callback, ms) => {
      timer = { at: now + ms, callback };
      return 1;
    },
    clearTimer: () => {
      timer = null;
    },
  });
  const charts = Array.from({ length: count }, () => ({ draw: vi.fn() }));
  for (const chart of charts) pacer.register(chart);
  pacer.setInterval(intervalMs);
  const draws = () => charts.map((chart) => chart.draw.mock.calls.length);
  /** Advances the clock, firing the timer when due (like the event loop would). */
  const advance = (ms: number) => {
    const until = now + ms;
    while (timer && timer.at <= until) {
      const due: { at: number; callback: () => void } = timer;
      timer = null;
      now = due.at;
      due.callback();
    }
    now = until;
  };
  return { pacer, charts, draws, advance, setNow: (ms: number) => { now = ms; } };
}

describe('redraw pacing', () => {
  it('redraws long windows less often', () => {
    expect(redrawIntervalMs(60)).toBe(0);
    expect(redrawIntervalMs(600)).toBe(200);
    expect(redrawIntervalMs(3600)).toBe(1000);
  });

  it('redraws every chart on every change for a short window', () => {
    const { pacer, draws } = pacedCharts(3, 0);
    pacer.notify();
    pacer.notify();
    expect(draws()).toEqual([2, 2, 2]);
  });

  it('redraws each chart at most once per interval, their turns spread over it', () => {
    const { pacer, draws, advance } = pacedCharts(4, 1000);
    // 20 changes a second for 2 s.
    const perChange: number[] = [];
    for (let step = 0; step < 40; step += 1) {
      advance(50);
      const before = draws().reduce((sum, count) => sum + count, 0);
      pacer.notify();
      perChange.push(draws().reduce((sum, count) => sum + count, 0) - before);
    }
    expect(draws()).toEqual([2, 2, 2, 2]);
    expect(Math.max(...perChange)).toBeLessThanOrEqual(1); // never all charts in one go
  });

  it('draws the last change when the changes stop', () => {
    const { pacer, draws, advance } = pacedCharts(2, 1000);
    pacer.notify();
    expect(draws()).toEqual([0, 0]);
    advance(1000);
    expect(draws()).toEqual([1, 1]);
    advance(5000);
    expect(draws()).toEqual([1, 1]); // nothing new, nothing drawn
  });
});
