/**
 * Optional timing of the hot paths for the performance harness (`perf/`). Off by default; the
 * dashboard turns it on when opened with `?perf=1`, and then each store update leaves a
 * `performance.measure` entry the harness reads (and clears) from the page.
 */
export const PERF_MEASURES = {
  /** Store work for one live sample (decode excluded). */
  append: 'stream:append',
  /** One batched notification: every subscribed chart's `setData` and redraw in that frame. */
  notify: 'stream:notify',
  /** Merge of one history page. */
  merge: 'stream:merge',
} as const;

export type PerfMeasureName = (typeof PERF_MEASURES)[keyof typeof PERF_MEASURES];

export interface PerfProbe {
  now(): number;
  measure(name: PerfMeasureName, startMs: number): void;
}

/**
 * The most entries kept between two readings of the harness (it reads and clears them every few
 * seconds: a few hundred). The browser keeps user-timing entries without a limit, so a page left
 * open with `?perf=1` and nobody reading would grow for ever: past this, the oldest go.
 */
export const MAX_PENDING_MEASURES = 20_000;

export function performanceProbe(timeline: Pick<Performance, 'now' | 'measure' | 'clearMeasures'> = performance): PerfProbe {
  let pending = 0;
  return {
    now: () => timeline.now(),
    measure: (name, startMs) => {
      if (pending >= MAX_PENDING_MEASURES) {
        for (const measure of Object.values(PERF_MEASURES)) timeline.clearMeasures(measure);
        pending = 0;
      }
      timeline.measure(name, { start: startMs, end: timeline.now() });
      pending += 1;
    },
  };
}

/** `?perf=1` in the page's query string. */
export function perfRequested(search: string): boolean {
  return new URLSearchParams(search).get('perf') === '1';
}
