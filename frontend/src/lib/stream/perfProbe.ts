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

export function performanceProbe(): PerfProbe {
  return {
    now: () => performance.now(),
    measure: (name, startMs) => {
      performance.measure(name, { start: startMs, end: performance.now() });
    },
  };
}

/** `?perf=1` in the page's query string. */
export function perfRequested(search: string): boolean {
  return new URLSearchParams(search).get('perf') === '1';
}
