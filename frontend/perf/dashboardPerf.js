#!/usr/bin/env node
/**
 * Performance harness of the live dashboard (issue 5): opens the dashboard in Debian's Chromium,
 * lets the live stream run for a while and prints a JSON summary of
 *
 *   - long tasks (PerformanceObserver "longtask": main-thread tasks over 50 ms),
 *   - per-sample update time: the store's work for each sample (`stream:append`) plus its share of
 *     the frame that redrew the charts (`stream:notify`, every chart's setData), measured by the
 *     dashboard itself when opened with `?perf=1`,
 *   - JS heap (CDP Performance.getMetrics, after a forced GC at start and end) and its growth.
 *
 * Not part of `npm test`. Needs a server with the live stream (`make run`, or perf/fakeLiveServer.js):
 *
 *   node perf/dashboardPerf.js --url http://127.0.0.1:8000/ --duration 300 --window 3600
 *
 * Options: --url, --duration (s, 300), --warmup (s, 15), --window (60 | 600 | 3600, the chart window
 * to select), --interval (s between collections, 5), --chromium (default $CHROMIUM_PATH or
 * /usr/bin/chromium), --out (also write the JSON there), --strict (exit 1 when a budget is missed).
 */
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/** The budgets. */
const BUDGET = { longTaskMs: 50, perSampleUpdateMs: 5, heapGrowthPct: 10 };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-precise-memory-info',
];

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8000/' },
    duration: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '15' },
    window: { type: 'string', default: '3600' },
    interval: { type: 'string', default: '5' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    out: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});

const durationS = Number(args.duration);
const warmupS = Number(args.warmup);
const intervalS = Number(args.interval);

/** Runs in the page before its scripts: keeps every long task. */
function observeLongTasks() {
  const tasks = [];
  globalThis.__perfLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs in the page: hands over (and clears) what was recorded since the last call. */
function drainRecords() {
  const pick = (name) => performance.getEntriesByName(name, 'measure').map((entry) => ({ start: entry.startTime, duration: entry.duration }));
  const records = {
    append: pick('stream:append'),
    notify: pick('stream:notify'),
    merge: pick('stream:merge'),
    longTasks: globalThis.__perfLongTasks.splice(0),
  };
  performance.clearMeasures();
  return records;
}

function percentile(sorted, share) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? null),
  };
}

/**
 * Each sample costs its own append plus an equal share of the next frame's redraw (a frame that
 * drew k samples counts notify / k for each).
 */
function perSampleUpdates(appends, notifies) {
  const byStart = (a, b) => a.start - b.start;
  const sortedAppends = [...appends].sort(byStart);
  const sortedNotifies = [...notifies].sort(byStart);
  const costs = [];
  let next = 0;
  for (const notify of sortedNotifies) {
    const inFrame = [];
    while (next < sortedAppends.length && sortedAppends[next].start < notify.start) inFrame.push(sortedAppends[next++]);
    for (const append of inFrame) costs.push(append.duration + notify.duration / inFrame.length);
  }
  return costs;
}

async function heapUsedBytes(cdp, collectGarbage) {
  if (collectGarbage) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? null;
}

function perfUrl(url) {
  const parsed = new URL(url);
  parsed.searchParams.set('perf', '1');
  return parsed.toString();
}

async function main() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'induction-sim-perf-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(observeLongTasks);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    await page.goto(perfUrl(args.url));
    const trends = page.locator('[data-testid="panel-trends"]:not([data-live="loading"])');
    await trends.waitFor({ timeout: 30_000 });
    const live = await trends.getAttribute('data-live');
    if (live !== 'ready') throw new Error(`the dashboard at ${args.url} has no live data (panel state "${live}")`);
    await page.getByTestId('trends-latest').waitFor({ timeout: 30_000 });
    await page.click(`[data-window="${args.window}"]`);

    await sleep(warmupS * 1000);
    const heapStart = await heapUsedBytes(cdp, true);
    // Start-up, back-fill and the forced GC above are not the steady state.
    await page.evaluate(drainRecords);
    const heapTimeline = [];
    const records = { append: [], notify: [], merge: [], longTasks: [] };
    const startedAt = Date.now();
    while (Date.now() - startedAt < durationS * 1000) {
      await sleep(Math.min(intervalS * 1000, durationS * 1000 - (Date.now() - startedAt)));
      const batch = await page.evaluate(drainRecords);
      for (const key of Object.keys(records)) records[key].push(...batch[key]);
      heapTimeline.push({ atS: Math.round((Date.now() - startedAt) / 1000), usedMB: Math.round(((await heapUsedBytes(cdp, false)) ?? 0) / 1e4) / 100 });
    }
    const finalBatch = await page.evaluate(drainRecords);
    for (const key of Object.keys(records)) records[key].push(...finalBatch[key]);
    const heapEnd = await heapUsedBytes(cdp, true);
    const samplesHeld = await page.getByTestId('trends-latest').textContent();

    const perSample = stats(perSampleUpdates(records.append, records.notify));
    const longTaskMs = records.longTasks.map((task) => task.duration);
    const heapGrowthPct = heapStart && heapEnd ? Math.round(((heapEnd - heapStart) / heapStart) * 10_000) / 100 : null;
    const summary = {
      url: args.url,
      window_s: Number(args.window),
      duration_s: durationS,
      samples: records.append.length,
      samples_per_s: Math.round((records.append.length / durationS) * 100) / 100,
      latest: samplesHeld,
      long_tasks: {
        count: longTaskMs.length,
        over_budget: longTaskMs.filter((ms) => ms > BUDGET.longTaskMs).length,
        max_ms: longTaskMs.length ? Math.max(...longTaskMs) : 0,
      },
      per_sample_update_ms: perSample,
      append_ms: stats(records.append.map((entry) => entry.duration)),
      frame_redraw_ms: stats(records.notify.map((entry) => entry.duration)),
      history_merge_ms: stats(records.merge.map((entry) => entry.duration)),
      heap: {
        start_mb: heapStart === null ? null : Math.round(heapStart / 1e4) / 100,
        end_mb: heapEnd === null ? null : Math.round(heapEnd / 1e4) / 100,
        growth_pct: heapGrowthPct,
        timeline: heapTimeline,
      },
      page_errors: pageErrors,
      budget: BUDGET,
      within_budget: {
        long_tasks: longTaskMs.every((ms) => ms <= BUDGET.longTaskMs),
        per_sample_update: perSample.max !== null && perSample.max <= BUDGET.perSampleUpdateMs,
        heap_growth: heapGrowthPct !== null && heapGrowthPct < BUDGET.heapGrowthPct,
      },
    };
    const json = JSON.stringify(summary, null, 2);
    console.log(json);
    if (args.out) await writeFile(args.out, `${json}\n`);
    const missed = Object.values(summary.within_budget).includes(false) || records.append.length === 0;
    if (args.strict && missed) process.exitCode = 1;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`dashboard perf: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
