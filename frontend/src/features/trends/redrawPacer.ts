import { PERF_MEASURES, type PerfProbe } from '../../lib/stream';

/** A chart the pacer redraws (`setData` with the newest window). */
export interface PacedChart {
  draw(): void;
}

/**
 * Wall time between two redraws of one chart, by window. A 1 h window is 3 600 points on some
 * 700 px: one pixel holds five samples, so redrawing it for every sample (10–20 a second with a
 * speed factor) costs a full redraw of every series for no visible change, and the garbage of
 * those redraws. The 1 min window still follows every frame.
 */
export function redrawIntervalMs(windowSeconds: number): number {
  if (windowSeconds <= 60) return 0;
  if (windowSeconds <= 600) return 200;
  return 1_000;
}

interface Entry {
  chart: PacedChart;
  lastDrawMs: number;
  dirty: boolean;
}

export interface RedrawPacerOptions {
  now?: () => number;
  perf?: PerfProbe | null;
  setTimer?: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (handle: ReturnType<typeof setTimeout>) => void;
}

/**
 * Redraws the charts of one panel after the store changed: all of them at once for a short window,
 * else each at most once per `redrawIntervalMs`, their turns spread evenly over the interval so a
 * frame redraws one chart, not all. Draws happen inside the store's notification when a chart is
 * due then; a chart left waiting is drawn by a timer at its turn (so the newest data is always
 * drawn, even when the samples stop).
 */
export class RedrawPacer {
  private readonly entries: Entry[] = [];
  private intervalMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly now: () => number;
  private readonly perf: PerfProbe | null;
  private readonly setTimer: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  private readonly clearTimer: (handle: ReturnType<typeof setTimeout>) => void;

  constructor({ now, perf = null, setTimer, clearTimer }: RedrawPacerOptions = {}) {
    this.now = now ?? (() => performance.now());
    this.perf = perf;
    this.setTimer = setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = clearTimer ?? ((handle) => { clearTimeout(handle); });
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** Adds a chart (drawn by its owner already); returns the removal. */
  register(chart: PacedChart): () => void {
    const entry: Entry = { chart, lastDrawMs: this.now(), dirty: false };
    this.entries.push(entry);
    this.stagger();
    return () => {
      const index = this.entries.indexOf(entry);
      if (index >= 0) this.entries.splice(index, 1);
      if (this.entries.length === 0) this.cancelTimer();
    };
  }

  /** A new interval (the window changed; the charts were just redrawn for it): turns start afresh. */
  setInterval(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    this.stagger();
    this.drawDue();
  }

  /** The store changed: every chart has new data; those whose turn it is are drawn now. */
  notify(): void {
    for (const entry of this.entries) entry.dirty = true;
    this.drawDue();
  }

  /** Stops the pending timer (the store listener is gone). */
  dispose(): void {
    this.cancelTimer();
  }

  /** Chart k's next turn is k + 1 slots of interval / n from now. */
  private stagger(): void {
    const now = this.now();
    const slot = this.intervalMs / Math.max(1, this.entries.length);
    this.entries.forEach((entry, index) => {
      entry.lastDrawMs = now - this.intervalMs + (index + 1) * slot;
    });
  }

  private drawDue(): void {
    const now = this.now();
    let nextDueMs = Number.POSITIVE_INFINITY;
    for (const entry of this.entries) {
      if (!entry.dirty) continue;
      const dueMs = entry.lastDrawMs + this.intervalMs;
      if (dueMs <= now) {
        entry.dirty = false;
        entry.lastDrawMs = now;
        entry.chart.draw();
      } else if (dueMs < nextDueMs) {
        nextDueMs = dueMs;
      }
    }
    this.cancelTimer();
    if (Number.isFinite(nextDueMs)) {
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.drawLater();
      }, Math.max(0, nextDueMs - now));
    }
  }

  /** A timer's turn: measured like the store's own notification for the performance harness. */
  private drawLater(): void {
    const perf = this.perf;
    const startMs = perf?.now() ?? 0;
    this.drawDue();
    // uPlot draws in a microtask after setData: measure once those have run.
    if (perf) queueMicrotask(() => { perf.measure(PERF_MEASURES.notify, startMs); });
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.clearTimer(this.timer);
    this.timer = null;
  }
}
