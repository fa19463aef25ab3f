#!/usr/bin/env node
/**
 * Performance harness of the live dashboard (issue 5): opens the dashboard in Debian's Chromium,
 * lets the live stream run for a while and prints a JSON summary of
 *
 *   - long tasks (PerformanceObserver "longtask": main-thread tasks over 50 ms),
 *   - per-sample update time: the store's work for each sample (`stream:append`) plus its share of
 *     the frame that redrew the charts (`stream:notify`, every chart's setData), measured by the
 *     dashboard itself when opened with `?perf=1`,
 *   - JS heap (CDP Performance.getMetrics `JSHeapUsedSize`) after a forced full GC
 *     (`HeapProfiler.collectGarbage`): at the start, once the selected window is full (every chart
 *     draws the whole window: start-up, back-fill and the filling of the bounded buffers are not
 *     counted as growth) and the post-GC heap has settled (V8's first compilation of the hot paths),
 *     then every --gc-every seconds and at the end. Growth is end vs start; the
 *     least-squares slope of the post-GC timeline tells steady growth (a leak) from a one-off step.
 *     Long tasks that overlap a forced GC are the harness's own work: counted apart, not in the budget.
 *   - with --snapshots, a heap snapshot at the start and at the end, compared by constructor
 *     (count and self size), plus detached DOM nodes: what grew, if anything did. A heap snapshot
 *     changes the page's timing for the rest of the run (measured: 0 long tasks in 300 s without,
 *     41 in 120 s with, same server and machine), so such a run reports no timing verdict: use it for the
 *     heap, and a run without it for the budgets.
 *   - with --trace, a Chromium trace (category `toplevel`) of the measured run: each main-thread task
 *     of the page over 50 ms with its wall time and its thread CPU time. A task whose CPU time is far
 *     below its wall time waited for a CPU (other processes on the machine), it did not work that long.
 *   - the machine's CPU use (`/proc/stat`) per collection interval, next to the long tasks in it.
 *
 * Not part of `npm test`. Needs the real server with the live stream (`make run`):
 *
 *   node perf/dashboardPerf.js --url http://127.0.0.1:8000/ --duration 300 --window 3600
 *
 * Options: --url, --duration (s, 300), --warmup (s, 15: at least this long after the window was
 * selected, and until the window is full), --fill-timeout (s, 600: give up waiting for a full
 * window), --settle-timeout (s, 240: then wait until two post-GC heap readings 20 s apart differ by
 * less than 2 %, at most this long; 0: do not wait), --window (60 | 600 | 3600, the chart window to select), --interval (s between
 * collections, 5), --gc-every (s, 30; 0: forced GC at start and end only), --snapshots, --trace,
 * --chromium (default $CHROMIUM_PATH or /usr/bin/chromium), --out (also write the JSON there),
 * --strict (exit 1 when a budget is missed).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/** The issue's budgets. */
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
    'fill-timeout': { type: 'string', default: '600' },
    'settle-timeout': { type: 'string', default: '240' },
    'gc-every': { type: 'string', default: '30' },
    snapshots: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
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
const fillTimeoutS = Number(args['fill-timeout']);
const settleTimeoutS = Number(args['settle-timeout']);
/** The heap has settled when two post-GC readings this far apart differ by less than this share. */
const SETTLE_STEP_S = 20;
const SETTLE_TOLERANCE = 0.02;
/** Start and end heap: the least of this many post-GC readings this many seconds apart. */
const FLOOR_READINGS = 3;
const FLOOR_GAP_S = 3;
const gcEveryS = Number(args['gc-every']);
const windowS = Number(args.window);
/** Samples are one simulated second apart: a full window draws this many points (+1 at its edge). */
const FULL_WINDOW_POINTS = windowS;

/**
 * Runs in the page before its scripts: keeps every long task, and every long animation frame
 * (LoAF, frames over 50 ms) with its script attribution and its render / layout share, to tell
 * which work made a long task.
 */
function observeLongTasks() {
  const tasks = [];
  const frames = [];
  globalThis.__perfLongTasks = tasks;
  globalThis.__perfLongFrames = frames;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const end = entry.startTime + entry.duration;
        frames.push({
          start: entry.startTime,
          duration: entry.duration,
          blocking: entry.blockingDuration,
          // From the start of rendering (rAF callbacks, style, layout, paint) to the frame's end.
          render: entry.renderStart > 0 ? end - entry.renderStart : 0,
          styleAndLayout: entry.styleAndLayoutStart > 0 ? end - entry.styleAndLayoutStart : 0,
          scripts: entry.scripts.map((script) => ({
            invoker: script.invoker,
            type: script.invokerType,
            source: `${script.sourceFunctionName || '(anonymous)'} ${String(script.sourceURL).split('/').pop()}:${String(script.sourceCharPosition)}`,
            duration: script.duration,
            forcedLayout: script.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // no LoAF in this browser
  }
}

/** Runs in the page: hands over (and clears) what was recorded since the last call. */
function drainRecords() {
  const pick = (name) => performance.getEntriesByName(name, 'measure').map((entry) => ({ start: entry.startTime, duration: entry.duration }));
  const records = {
    append: pick('stream:append'),
    notify: pick('stream:notify'),
    merge: pick('stream:merge'),
    longTasks: globalThis.__perfLongTasks.splice(0),
    longFrames: globalThis.__perfLongFrames.splice(0),
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
    for (const append of inFrame) costs.push({ start: append.start, ms: append.duration + notify.duration / inFrame.length });
  }
  return costs;
}

async function heapUsedBytes(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? null;
}

/**
 * The floor of the retained heap: the least of `count` post-GC readings `gapS` apart. One reading
 * can catch transient data that is still reachable (a response being decoded, a list being
 * replaced); the floor is what a leak would raise.
 */
async function heapFloor(page, cdp, count, gapS) {
  const readings = [];
  const gcs = [];
  for (let index = 0; index < count; index += 1) {
    if (index > 0) await sleep(gapS * 1000);
    const reading = await heapAfterGc(page, cdp);
    readings.push(reading.bytes);
    gcs.push(reading.gc);
  }
  const known = readings.filter((bytes) => bytes !== null);
  return { bytes: known.length ? Math.min(...known) : null, readings: readings.map(toMB), gcs };
}

/**
 * A forced full GC (twice: the first can leave garbage its finalizers free), then the used heap.
 * Returns the page-clock interval the GC took, so long tasks it caused are not blamed on the page.
 */
async function heapAfterGc(page, cdp) {
  const startMs = await page.evaluate(() => performance.now());
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const endMs = await page.evaluate(() => performance.now());
  return { bytes: await heapUsedBytes(cdp), gc: { startMs, endMs } };
}

const toMB = (bytes) => (bytes === null ? null : Math.round(bytes / 1e4) / 100);

/** Least-squares slope of y over x. */
function slope(points) {
  if (points.length < 2) return null;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}

/** Runs in the page: the points each trend chart draws (the charts write `data-points` themselves). */
function chartPoints() {
  return [...document.querySelectorAll('[data-testid="trend-chart"]')].map((figure) => Number(figure.dataset.points ?? 0));
}

/** Waits until every chart draws the whole window (or the timeout passes); returns the points per chart. */
async function waitForFullWindow(page, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  let points = await page.evaluate(chartPoints);
  while (Date.now() < deadline && !(points.length > 0 && Math.min(...points) >= FULL_WINDOW_POINTS)) {
    await sleep(1000);
    points = await page.evaluate(chartPoints);
  }
  return points;
}

/** A heap snapshot over CDP, summarised by node type and constructor name. */
async function heapSummary(cdp) {
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snapshot = JSON.parse(chunks.join(''));
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const detachedAt = fields.indexOf('detachedness');
  const typeNames = nodeTypes[typeAt];
  const groups = new Map();
  let detached = 0;
  const { nodes, strings } = snapshot;
  for (let index = 0; index < nodes.length; index += width) {
    const type = typeNames[nodes[index + typeAt]];
    const name = strings[nodes[index + nameAt]];
    // Objects, closures and native (DOM) objects by constructor; the rest (strings, code, arrays…) by type.
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type}:${name}` : type;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[index + sizeAt];
    groups.set(key, group);
    if (detachedAt >= 0 && nodes[index + detachedAt] === 2) detached += 1;
  }
  return { groups, detached, totalBytes: [...groups.values()].reduce((sum, group) => sum + group.bytes, 0) };
}

/** What grew between two summaries: the largest changes by size and by count. */
function heapDiff(before, after) {
  const keys = new Set([...before.groups.keys(), ...after.groups.keys()]);
  const rows = [...keys].map((key) => {
    const a = before.groups.get(key) ?? { count: 0, bytes: 0 };
    const b = after.groups.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: b.count, count_delta: b.count - a.count, kb: Math.round(b.bytes / 102.4) / 10, kb_delta: Math.round((b.bytes - a.bytes) / 102.4) / 10 };
  });
  const bySize = [...rows].sort((x, y) => y.kb_delta - x.kb_delta).slice(0, 12);
  const byCount = [...rows].sort((x, y) => y.count_delta - x.count_delta).slice(0, 12);
  return {
    total_mb: { start: toMB(before.totalBytes), end: toMB(after.totalBytes) },
    detached_dom_nodes: { start: before.detached, end: after.detached },
    grew_most_by_size: bySize,
    grew_most_by_count: byCount,
  };
}

/** Linux `/proc/stat` CPU counters (null elsewhere): busy share of all CPUs between two readings. */
async function readCpu() {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { idle, total: values.reduce((sum, value) => sum + value, 0) };
  } catch {
    return null;
  }
}

function cpuBusyPct(start, end) {
  if (!start || !end || end.total === start.total) return null;
  return Math.round((1 - (end.idle - start.idle) / (end.total - start.total)) * 1000) / 10;
}

/**
 * Long animation frames: how many, how their time splits (script, style + layout, rendering) and
 * the scripts that took the most of it, by entry point.
 */
function summariseFrames(frames) {
  const total = (pick) => Math.round(frames.reduce((sum, frame) => sum + pick(frame), 0));
  const byScript = new Map();
  for (const frame of frames) {
    for (const script of frame.scripts) {
      const key = `${script.type} ${script.invoker} ← ${script.source}`;
      const entry = byScript.get(key) ?? { script: key, count: 0, total_ms: 0, max_ms: 0, forced_layout_ms: 0 };
      entry.count += 1;
      entry.total_ms += script.duration;
      entry.max_ms = Math.max(entry.max_ms, script.duration);
      entry.forced_layout_ms += script.forcedLayout;
      byScript.set(key, entry);
    }
  }
  const top = [...byScript.values()]
    .sort((a, b) => b.total_ms - a.total_ms)
    .slice(0, 10)
    .map((entry) => ({ ...entry, total_ms: Math.round(entry.total_ms), max_ms: Math.round(entry.max_ms), forced_layout_ms: Math.round(entry.forced_layout_ms) }));
  const longest = [...frames].sort((a, b) => b.duration - a.duration).slice(0, 5).map((frame) => ({
    duration_ms: Math.round(frame.duration),
    blocking_ms: Math.round(frame.blocking),
    script_ms: Math.round(frame.scripts.reduce((sum, script) => sum + script.duration, 0)),
    style_layout_ms: Math.round(frame.styleAndLayout),
    render_ms: Math.round(frame.render),
    scripts: frame.scripts.map((script) => `${script.invoker} ${Math.round(script.duration)} ms`),
  }));
  return {
    count: frames.length,
    total_ms: total((frame) => frame.duration),
    script_ms: total((frame) => frame.scripts.reduce((sum, script) => sum + script.duration, 0)),
    style_layout_ms: total((frame) => frame.styleAndLayout),
    render_ms: total((frame) => frame.render),
    top_scripts: top,
    longest,
  };
}

/** Starts a trace of top-level tasks (wall `dur` and thread CPU `tdur` of every task). */
async function startTrace(cdp) {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { recordMode: 'recordContinuously', includedCategories: ['toplevel', '__metadata'] },
  });
}

/** Stops the trace and returns its events. */
async function stopTrace(cdp) {
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** The renderer main thread's tasks over the budget: wall time against thread CPU time. */
function summariseTrace(events, budgetMs) {
  const mainThreads = new Set(
    events
      .filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${String(event.pid)}:${String(event.tid)}`),
  );
  const mainTasks = events.filter(
    (event) => event.ph === 'X' && mainThreads.has(`${String(event.pid)}:${String(event.tid)}`) && typeof event.dur === 'number',
  );
  const tasks = mainTasks.filter((event) => event.dur > budgetMs * 1000);
  const rows = tasks.map((event) => ({ wall_ms: event.dur / 1000, cpu_ms: typeof event.tdur === 'number' ? event.tdur / 1000 : null }));
  const withCpu = rows.filter((row) => row.cpu_ms !== null);
  const round = (value) => Math.round(value * 10) / 10;
  return {
    main_thread_tasks: mainTasks.length,
    main_thread_tasks_over_budget: rows.length,
    of_which_cpu_over_budget: withCpu.filter((row) => row.cpu_ms > budgetMs).length,
    max_wall_ms: rows.length ? round(Math.max(...rows.map((row) => row.wall_ms))) : 0,
    max_cpu_ms: withCpu.length ? round(Math.max(...withCpu.map((row) => row.cpu_ms))) : 0,
    longest: [...rows].sort((a, b) => b.wall_ms - a.wall_ms).slice(0, 8).map((row) => ({ wall_ms: round(row.wall_ms), cpu_ms: row.cpu_ms === null ? null : round(row.cpu_ms) })),
  };
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

    const warmupStartedAt = Date.now();
    await sleep(warmupS * 1000);
    // The window must be full before the start is measured: filling it is not growth.
    const pointsAtStart = await waitForFullWindow(page, fillTimeoutS);
    const windowFull = pointsAtStart.length > 0 && Math.min(...pointsAtStart) >= FULL_WINDOW_POINTS;
    const warmupTookS = Math.round((Date.now() - warmupStartedAt) / 1000);
    // Then until the heap after GC settles: V8 compiles the hot paths during the first minute or two
    // (compiled code is heap) and the browser fills its capped buffers; neither is the page growing.
    const atWindowFull = await heapAfterGc(page, cdp);
    const settleReadings = [toMB(atWindowFull.bytes)];
    const settleStartedAt = Date.now();
    let settled = settleTimeoutS === 0;
    let previous = atWindowFull.bytes;
    while (!settled && Date.now() - settleStartedAt < settleTimeoutS * 1000) {
      await sleep(SETTLE_STEP_S * 1000);
      const reading = await heapAfterGc(page, cdp);
      settleReadings.push(toMB(reading.bytes));
      settled = previous !== null && reading.bytes !== null && Math.abs(reading.bytes - previous) / previous < SETTLE_TOLERANCE;
      previous = reading.bytes;
    }
    const settleTookS = Math.round((Date.now() - settleStartedAt) / 1000);
    const gcIntervals = [];
    const start = await heapFloor(page, cdp, FLOOR_READINGS, FLOOR_GAP_S);
    gcIntervals.push(...start.gcs);
    const snapshotStart = args.snapshots ? await heapSummary(cdp) : null;
    // Start-up, back-fill, the forced GC and the snapshot above are not the steady state.
    await page.evaluate(drainRecords);
    const heapTimeline = [];
    const gcTimeline = [{ atS: 0, usedMB: toMB(start.bytes) }];
    const records = { append: [], notify: [], merge: [], longTasks: [], longFrames: [] };
    const cpuAtStart = await readCpu();
    const cpuTimeline = [];
    let cpuBefore = cpuAtStart;
    if (args.trace) await startTrace(cdp);
    const startedAt = Date.now();
    const pageTimeAtStart = await page.evaluate(() => performance.now());
    let nextGcAtS = gcEveryS > 0 ? gcEveryS : Number.POSITIVE_INFINITY;
    while (Date.now() - startedAt < durationS * 1000) {
      await sleep(Math.min(intervalS * 1000, durationS * 1000 - (Date.now() - startedAt)));
      const batch = await page.evaluate(drainRecords);
      for (const key of Object.keys(records)) records[key].push(...batch[key]);
      const atS = Math.round((Date.now() - startedAt) / 1000);
      heapTimeline.push({ atS, usedMB: toMB(await heapUsedBytes(cdp)) });
      const cpuNow = await readCpu();
      cpuTimeline.push({ atS, busyPct: cpuBusyPct(cpuBefore, cpuNow), longTasks: batch.longTasks.filter((task) => task.duration > BUDGET.longTaskMs).length });
      cpuBefore = cpuNow;
      if (atS >= nextGcAtS && atS < durationS - 1) {
        const point = await heapAfterGc(page, cdp);
        gcIntervals.push(point.gc);
        gcTimeline.push({ atS, usedMB: toMB(point.bytes) });
        nextGcAtS += gcEveryS;
      }
    }
    const finalBatch = await page.evaluate(drainRecords);
    for (const key of Object.keys(records)) records[key].push(...finalBatch[key]);
    const cpuAtEnd = await readCpu();
    const trace = args.trace ? summariseTrace(await stopTrace(cdp), BUDGET.longTaskMs) : null;
    const end = await heapFloor(page, cdp, FLOOR_READINGS, FLOOR_GAP_S);
    gcIntervals.push(...end.gcs);
    const ranForS = Math.round((Date.now() - startedAt) / 1000);
    gcTimeline.push({ atS: ranForS, usedMB: toMB(end.bytes) });
    const snapshotEnd = args.snapshots ? await heapSummary(cdp) : null;
    const samplesHeld = await page.getByTestId('trends-latest').textContent();
    const pointsAtEnd = await page.evaluate(chartPoints);

    const sampleCosts = perSampleUpdates(records.append, records.notify);
    const perSample = stats(sampleCosts.map((cost) => cost.ms));
    const overBudgetSamples = sampleCosts
      .filter((cost) => cost.ms > BUDGET.perSampleUpdateMs)
      .map((cost) => ({ atS: Math.round((cost.start - pageTimeAtStart) / 100) / 10, ms: Math.round(cost.ms * 10) / 10 }));
    // A long task that overlaps a forced GC of the harness is the harness's, not the page's.
    const MARGIN_MS = 5;
    const duringGc = (task) => gcIntervals.some((gc) => task.start < gc.endMs + MARGIN_MS && task.start + task.duration > gc.startMs - MARGIN_MS);
    const pageLongTasks = records.longTasks.filter((task) => !duringGc(task));
    const longFrames = records.longFrames.filter((frame) => !duringGc(frame) && frame.duration > BUDGET.longTaskMs);
    const gcLongTasks = records.longTasks.filter(duringGc);
    const longTaskMs = pageLongTasks.map((task) => task.duration);
    const heapStart = start.bytes;
    const heapEnd = end.bytes;
    const heapGrowthPct = heapStart && heapEnd ? Math.round(((heapEnd - heapStart) / heapStart) * 10_000) / 100 : null;
    const slopeMBPerMin = slope(gcTimeline.map((point) => [point.atS / 60, point.usedMB]));
    const summary = {
      url: args.url,
      window_s: Number(args.window),
      duration_s: durationS,
      samples: records.append.length,
      samples_per_s: Math.round((records.append.length / durationS) * 100) / 100,
      latest: samplesHeld,
      window_full_at_start: windowFull,
      warmup_s: warmupTookS,
      chart_points: { start: pointsAtStart, end: pointsAtEnd },
      long_tasks: {
        count: longTaskMs.length,
        over_budget: longTaskMs.filter((ms) => ms > BUDGET.longTaskMs).length,
        max_ms: longTaskMs.length ? Math.max(...longTaskMs) : 0,
        during_forced_gc: { count: gcLongTasks.length, max_ms: gcLongTasks.length ? Math.max(...gcLongTasks.map((task) => task.duration)) : 0 },
      },
      per_sample_update_ms: { ...perSample, over_budget: overBudgetSamples.length, over_budget_at: overBudgetSamples.slice(0, 20) },
      append_ms: stats(records.append.map((entry) => entry.duration)),
      frame_redraw_ms: stats(records.notify.map((entry) => entry.duration)),
      history_merge_ms: stats(records.merge.map((entry) => entry.duration)),
      heap: {
        note: `JSHeapUsedSize after a forced full GC; the start was measured once every chart drew the full ${String(windowS)} s window (${windowFull ? 'it was full' : 'NOT full: the fill timeout passed'}) and the post-GC heap had settled (${settled ? `two readings ${String(SETTLE_STEP_S)} s apart within ${String(SETTLE_TOLERANCE * 100)} %` : 'NOT settled within the settle timeout'}), so start-up, back-fill, filling the bounded buffers and the first JIT compilation are not counted as growth; growth_since_window_full_pct counts the settling too. Start and end are each the least of ${String(FLOOR_READINGS)} post-GC readings ${String(FLOOR_GAP_S)} s apart (the retained floor; single readings vary by transient data still referenced)`,
        at_window_full_mb: toMB(atWindowFull.bytes),
        settle: { settled, took_s: settleTookS, after_gc_readings_mb: settleReadings },
        growth_since_window_full_pct:
          atWindowFull.bytes && heapEnd ? Math.round(((heapEnd - atWindowFull.bytes) / atWindowFull.bytes) * 10_000) / 100 : null,
        start_mb: toMB(heapStart),
        start_readings_mb: start.readings,
        end_readings_mb: end.readings,
        end_mb: toMB(heapEnd),
        growth_pct: heapGrowthPct,
        after_gc_slope_mb_per_min: slopeMBPerMin === null ? null : Math.round(slopeMBPerMin * 1000) / 1000,
        after_gc_timeline: gcTimeline,
        timeline: heapTimeline,
        ...(snapshotStart && snapshotEnd ? { snapshot_diff: heapDiff(snapshotStart, snapshotEnd) } : {}),
      },
      long_animation_frames: summariseFrames(longFrames),
      ...(trace ? { trace } : {}),
      machine: {
        cpus: os.cpus().length,
        busy_pct_during_run: cpuBusyPct(cpuAtStart, cpuAtEnd),
        // Per collection interval: the machine's CPU use (all processes) and the page's long tasks.
        timeline: cpuTimeline,
        load_average_at_end: os.loadavg().map((value) => Math.round(value * 100) / 100),
      },
      page_errors: pageErrors,
      budget: BUDGET,
      within_budget: {
        // A heap snapshot perturbs the timing for the rest of the run: no verdict then.
        long_tasks: args.snapshots ? null : longTaskMs.every((ms) => ms <= BUDGET.longTaskMs),
        per_sample_update: args.snapshots ? null : perSample.max !== null && perSample.max <= BUDGET.perSampleUpdateMs,
        heap_growth: heapGrowthPct !== null && heapGrowthPct < BUDGET.heapGrowthPct,
        window_full_at_start: windowFull,
        heap_settled_at_start: settled,
      },
    };
    const json = JSON.stringify(summary, null, 2);
    console.log(json);
    if (args.out) await writeFile(args.out, `${json}\n`);
    const missed = Object.values(summary.within_budget).includes(false) || records.append.length === 0;
    if (args.snapshots) console.error('dashboard perf: --snapshots perturbs the timing; long tasks and per-sample figures of this run are not a verdict');
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
