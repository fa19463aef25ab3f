/**
 * The live samples of one run, outside React: columnar ring buffers (one `Float64Array` per signal,
 * plus `seq` and time), a fixed capacity, and listeners told at most once per animation frame.
 *
 * Every buffer is twice the capacity and each value is written at `i` and `i + capacity` (a mirrored
 * ring), so the samples in time order are always one contiguous range: `snapshot()` hands out
 * `subarray` views, never copies, and appending stays O(1) with no allocation.
 */
import { FrameBatcher, animationFrameScheduler, type FrameScheduler } from './frameBatcher';
import type { LiveSample, RunId } from './liveMessages';
import { PERF_MEASURES, type PerfProbe } from './perfProbe';
import { NOMINAL_SAMPLE_PERIOD_S } from './samplePeriod';
import { simTimeOf } from './simTime';
import type { TelemetryPage } from './telemetryPage';

export { NOMINAL_SAMPLE_PERIOD_S };
/** The longest chart window (1 h). */
export const LONGEST_WINDOW_S = 3600;
/** Room beyond the longest window, e.g. for a faster sample rate later. */
export const CAPACITY_HEADROOM = 2;
export const DEFAULT_CAPACITY = (LONGEST_WINDOW_S / NOMINAL_SAMPLE_PERIOD_S) * CAPACITY_HEADROOM;

export interface SampleStoreOptions {
  /** Signal names, in catalogue order; one column each. */
  signals: readonly string[];
  capacity?: number;
  scheduler?: FrameScheduler;
  perf?: PerfProbe | null;
}

/**
 * What `append` did with a sample: added as the newest, inserted among older ones, already held,
 * or older than everything a full buffer keeps.
 */
export type AppendOutcome = 'appended' | 'inserted' | 'duplicate' | 'too-old';

/** Samples missing between two that are held: `seq` `afterSeq + 1` … `beforeSeq - 1`. */
export interface SeqGap {
  afterSeq: number;
  beforeSeq: number;
  missing: number;
}

export interface MergeReport {
  /** `other-run`: the page belongs to another run than the one held, and was ignored. */
  status: 'merged' | 'other-run';
  /** Rows of the page that were new. */
  inserted: number;
  /** Rows of the page already held (or repeated within the page). */
  duplicates: number;
  /** Oldest rows (held or from the page) that did not fit in the capacity. */
  dropped: number;
  /** Holes left in the held `seq` range after the merge. */
  gaps: SeqGap[];
}

/** The held samples in time order; views into the ring, valid until the next change. */
export interface StoreSnapshot {
  runId: RunId | null;
  version: number;
  length: number;
  seq: Float64Array;
  /** Sim time (`start_sim` + seq s) in seconds since the epoch. */
  time: Float64Array;
  /** One column per signal; a sensor dropout is `NaN`. */
  values: ReadonlyMap<string, Float64Array>;
}

/** uPlot's `AlignedData`: x (time, s) first, then one column per requested signal. */
export type AlignedSeries = [Float64Array, ...Float64Array[]];

/** Rows to merge, read by index (a history page, or one out-of-order live sample). */
interface RowSource {
  length: number;
  seq(row: number): number;
  time(row: number): number;
  value(signal: number, row: number): number;
}

/** Reused between merges, so a back-fill allocates nothing of the capacity's size after the first. */
interface MergeScratch {
  plan: Int32Array;
  seq: Float64Array;
  time: Float64Array;
  values: Float64Array[];
}

/** First index in ascending `sorted` whose value is ≥ `target`. */
export function lowerBound(sorted: Float64Array, target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? Number.NaN) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function column(columns: readonly Float64Array[], index: number): Float64Array {
  const found = columns[index];
  if (!found) throw new Error(`no column ${String(index)}`);
  return found;
}

function pageRows(page: TelemetryPage, signals: readonly string[]): RowSource {
  const order = Array.from({ length: page.length }, (_, row) => row);
  const isSorted = page.seq.every((seq, row) => row === 0 || seq >= (page.seq[row - 1] ?? seq));
  if (!isSorted) order.sort((a, b) => (page.seq[a] ?? 0) - (page.seq[b] ?? 0));
  const columns = signals.map((name) => page.signals[name] ?? []);
  const at = (row: number) => order[row] ?? 0;
  const seqAt = (row: number) => page.seq[at(row)] ?? Number.NaN;
  return {
    length: page.length,
    seq: seqAt,
    time: (row) => simTimeOf(page.start_sim, seqAt(row)),
    value: (signal, row) => columns[signal]?.[at(row)] ?? Number.NaN,
  };
}

function sampleRow(sample: LiveSample, signals: readonly string[], startSim: number): RowSource {
  const time = simTimeOf(startSim, sample.seq);
  return {
    length: 1,
    seq: () => sample.seq,
    time: () => time,
    value: (signal) => sample.values[signals[signal] ?? ''] ?? Number.NaN,
  };
}

export class SampleStore {
  readonly signals: readonly string[];
  readonly capacity: number;

  private readonly seqRing: Float64Array;
  private readonly timeRing: Float64Array;
  private readonly valueRings: Float64Array[];
  /** Physical index of the oldest sample, in [0, capacity). */
  private start = 0;
  private count = 0;
  private currentRun: RunId | null = null;
  /** `start_sim` of the held run (seconds since the epoch); NaN until a hello or a page says it. */
  private runStart = Number.NaN;
  private latestSample: LiveSample | null = null;
  private changeVersion = 0;
  private cachedSnapshot: StoreSnapshot | null = null;
  private cachedGaps: { version: number; gaps: SeqGap[] } | null = null;
  private mergeScratch: MergeScratch | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly batcher: FrameBatcher;
  private readonly perf: PerfProbe | null;

  constructor({ signals, capacity = DEFAULT_CAPACITY, scheduler, perf = null }: SampleStoreOptions) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, not ${String(capacity)}`);
    if (new Set(signals).size !== signals.length) throw new Error('signal names must be unique');
    this.signals = [...signals];
    this.capacity = capacity;
    this.seqRing = new Float64Array(2 * capacity);
    this.timeRing = new Float64Array(2 * capacity);
    this.valueRings = signals.map(() => new Float64Array(2 * capacity));
    this.batcher = new FrameBatcher(scheduler ?? animationFrameScheduler(), () => { this.notify(); });
    this.perf = perf;
  }

  /** The run whose samples are held; `null` before the first sample or hello. */
  get runId(): RunId | null {
    return this.currentRun;
  }

  get length(): number {
    return this.count;
  }

  /** Increases on every change of the held data. */
  get version(): number {
    return this.changeVersion;
  }

  /** The newest sample received live (with its state, part and fault labels), if any. */
  get latest(): LiveSample | null {
    return this.latestSample;
  }

  get firstSeq(): number | undefined {
    return this.count === 0 ? undefined : this.seqRing[this.start];
  }

  get lastSeq(): number | undefined {
    return this.count === 0 ? undefined : this.seqRing[this.start + this.count - 1];
  }

  /** `start_sim` of the held run, seconds since the epoch (NaN while unknown). */
  get startSim(): number {
    return this.runStart;
  }

  /** Sim time of the newest held sample, in seconds since the epoch. */
  get lastTime(): number | undefined {
    return this.count === 0 ? undefined : this.timeRing[this.start + this.count - 1];
  }

  /**
   * Follow `runId`, whose sample k is at `startSim` + k s (seconds since the epoch; from the
   * stream's hello): a different run than the one held empties the buffers first.
   */
  startRun(runId: RunId, startSim?: number): void {
    if (this.currentRun === runId) {
      if (startSim !== undefined) this.runStart = startSim;
      return;
    }
    this.clear();
    this.currentRun = runId;
    this.runStart = startSim ?? Number.NaN;
    this.changed();
  }

  /** Forget everything, the run included. */
  reset(): void {
    this.clear();
    this.currentRun = null;
    this.runStart = Number.NaN;
    this.changed();
  }

  /** One live sample: O(1) when it is the newest (the usual case), a merge when it is older. */
  append(sample: LiveSample): AppendOutcome {
    const startMs = this.perf?.now() ?? 0;
    if (this.currentRun !== sample.run_id) this.startRun(sample.run_id);
    const lastSeq = this.lastSeq;
    let outcome: AppendOutcome;
    if (lastSeq === undefined || sample.seq > lastSeq) {
      this.push(sampleRow(sample, this.signals, this.runStart));
      outcome = 'appended';
    } else if (this.indexOfSeq(sample.seq) >= 0) {
      outcome = 'duplicate';
    } else {
      outcome = this.mergeRows(sampleRow(sample, this.signals, this.runStart)).inserted > 0 ? 'inserted' : 'too-old';
    }
    const isNewestLive = this.latestSample === null || sample.seq > this.latestSample.seq;
    if (isNewestLive) this.latestSample = sample;
    if (isNewestLive || outcome === 'appended' || outcome === 'inserted') this.changed();
    this.perf?.measure(PERF_MEASURES.append, startMs);
    return outcome;
  }

  /**
   * One page of history, merged by `seq`: rows already held are kept as they are, new ones go in
   * order, and when everything does not fit the oldest rows are dropped. A page of another run than
   * the one held is ignored (it was asked for before the run changed).
   */
  mergeHistory(page: TelemetryPage): MergeReport {
    if (this.currentRun !== null && page.run_id !== this.currentRun) {
      return { status: 'other-run', inserted: 0, duplicates: 0, dropped: page.length, gaps: this.gaps() };
    }
    const startMs = this.perf?.now() ?? 0;
    if (this.currentRun === null) this.startRun(page.run_id, page.start_sim);
    else if (Number.isNaN(this.runStart)) this.runStart = page.start_sim;
    const { changedRing, ...counts } = this.mergeRows(pageRows(page, this.signals));
    if (changedRing) this.changed();
    this.perf?.measure(PERF_MEASURES.merge, startMs);
    return { status: 'merged', ...counts, gaps: this.gaps() };
  }

  /** Holes in the held `seq` range (samples never received), oldest first. */
  gaps(): SeqGap[] {
    if (this.cachedGaps?.version === this.changeVersion) return this.cachedGaps.gaps;
    const gaps: SeqGap[] = [];
    const end = this.start + this.count;
    for (let index = this.start + 1; index < end; index += 1) {
      const before = this.seqRing[index - 1] ?? 0;
      const after = this.seqRing[index] ?? 0;
      if (after - before > 1) gaps.push({ afterSeq: before, beforeSeq: after, missing: after - before - 1 });
    }
    this.cachedGaps = { version: this.changeVersion, gaps };
    return gaps;
  }

  /** The held samples in time order (views; the same object until the next change). */
  snapshot(): StoreSnapshot {
    if (this.cachedSnapshot?.version === this.changeVersion) return this.cachedSnapshot;
    const from = this.start;
    const to = this.start + this.count;
    const values = new Map<string, Float64Array>();
    this.signals.forEach((name, signal) => {
      values.set(name, this.ring(signal).subarray(from, to));
    });
    this.cachedSnapshot = {
      runId: this.currentRun,
      version: this.changeVersion,
      length: this.count,
      seq: this.seqRing.subarray(from, to),
      time: this.timeRing.subarray(from, to),
      values,
    };
    return this.cachedSnapshot;
  }

  /** `[time, ...columns]` for uPlot, from the first sample at or after `fromTime` (seconds). */
  series(signals: readonly string[], fromTime = Number.NEGATIVE_INFINITY): AlignedSeries {
    const snapshot = this.snapshot();
    const first = Number.isFinite(fromTime) ? lowerBound(snapshot.time, fromTime) : 0;
    const columns = signals.map((name) => {
      const column = snapshot.values.get(name);
      if (!column) throw new Error(`unknown signal "${name}"`);
      return column.subarray(first);
    });
    return [snapshot.time.subarray(first), ...columns];
  }

  /** `listener` runs at most once per animation frame after any change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops a pending notification and drops the listeners. */
  dispose(): void {
    this.batcher.cancel();
    this.listeners.clear();
  }

  private ring(signal: number): Float64Array {
    return column(this.valueRings, signal);
  }

  private clear(): void {
    this.start = 0;
    this.count = 0;
    this.latestSample = null;
  }

  private changed(): void {
    this.changeVersion += 1;
    this.batcher.schedule();
  }

  private notify(): void {
    const startMs = this.perf?.now() ?? 0;
    const errors: unknown[] = [];
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        errors.push(error);
      }
    }
    const perf = this.perf;
    // uPlot draws in a microtask after setData: measure once those have run.
    if (perf) queueMicrotask(() => { perf.measure(PERF_MEASURES.notify, startMs); });
    // One failing listener does not starve the others; its error still surfaces.
    if (errors.length > 0) throw new AggregateError(errors, 'a sample store listener failed');
  }

  /** Writes one value at physical index `index` and its mirror. */
  private static write(ring: Float64Array, index: number, capacity: number, value: number): void {
    ring[index] = value;
    ring[index + capacity] = value;
  }

  /** Appends row 0 of `rows` after the newest sample, evicting the oldest when full. */
  private push(rows: RowSource): void {
    const { capacity } = this;
    const index = (this.start + this.count) % capacity;
    SampleStore.write(this.seqRing, index, capacity, rows.seq(0));
    SampleStore.write(this.timeRing, index, capacity, rows.time(0));
    for (let signal = 0; signal < this.valueRings.length; signal += 1) {
      SampleStore.write(this.ring(signal), index, capacity, rows.value(signal, 0));
    }
    if (this.count < capacity) this.count += 1;
    else this.start = (this.start + 1) % capacity;
  }

  /** Position (0 = oldest) of the held sample with this `seq`, or -1. */
  private indexOfSeq(seq: number): number {
    const held = this.seqRing.subarray(this.start, this.start + this.count);
    const index = lowerBound(held, seq);
    return held[index] === seq ? index : -1;
  }

  private scratch(): MergeScratch {
    this.mergeScratch ??= {
      plan: new Int32Array(this.capacity),
      seq: new Float64Array(this.capacity),
      time: new Float64Array(this.capacity),
      values: this.signals.map(() => new Float64Array(this.capacity)),
    };
    return this.mergeScratch;
  }

  /**
   * Merges the held samples and `rows` (ascending `seq`) newest first into the scratch buffers, then
   * writes the result back as a ring starting at 0. The plan records where each kept row comes from:
   * `k ≥ 0` is held position k, `-(r + 1)` is row r of `rows`.
   */
  private mergeRows(rows: RowSource): Omit<MergeReport, 'status' | 'gaps'> & { changedRing: boolean } {
    const { capacity } = this;
    const scratch = this.scratch();
    const held = this.seqRing.subarray(this.start, this.start + this.count);
    let heldIndex = this.count - 1;
    let rowIndex = rows.length - 1;
    let slot = capacity;
    let inserted = 0;
    let duplicates = 0;
    let lastTakenSeq = Number.POSITIVE_INFINITY;
    while (slot > 0 && (heldIndex >= 0 || rowIndex >= 0)) {
      const heldSeq = heldIndex >= 0 ? (held[heldIndex] ?? Number.NaN) : Number.NEGATIVE_INFINITY;
      const rowSeq = rowIndex >= 0 ? rows.seq(rowIndex) : Number.NEGATIVE_INFINITY;
      if (rowIndex >= 0 && rowSeq >= lastTakenSeq) {
        duplicates += 1; // repeated within the page
        rowIndex -= 1;
      } else if (heldSeq >= rowSeq) {
        if (heldSeq === rowSeq) {
          duplicates += 1;
          rowIndex -= 1;
        }
        slot -= 1;
        scratch.plan[slot] = heldIndex;
        lastTakenSeq = heldSeq;
        heldIndex -= 1;
      } else {
        slot -= 1;
        scratch.plan[slot] = -(rowIndex + 1);
        lastTakenSeq = rowSeq;
        rowIndex -= 1;
        inserted += 1;
      }
    }
    const dropped = heldIndex + 1 + rowIndex + 1;
    // Nothing new kept and nothing held evicted: the ring stays as it is.
    if (inserted === 0 && heldIndex < 0) return { inserted, duplicates, dropped, changedRing: false };

    const copyColumn = (ring: Float64Array, target: Float64Array, fromRows: (row: number) => number) => {
      for (let out = slot; out < capacity; out += 1) {
        const source = scratch.plan[out] ?? 0;
        target[out] = source >= 0 ? (ring[this.start + source] ?? Number.NaN) : fromRows(-source - 1);
      }
    };
    copyColumn(this.seqRing, scratch.seq, (row) => rows.seq(row));
    copyColumn(this.timeRing, scratch.time, (row) => rows.time(row));
    this.valueRings.forEach((ring, signal) => {
      copyColumn(ring, column(scratch.values, signal), (row) => rows.value(signal, row));
    });

    const writeBack = (ring: Float64Array, merged: Float64Array) => {
      const kept = merged.subarray(slot, capacity);
      ring.set(kept, 0);
      ring.set(kept, capacity);
    };
    writeBack(this.seqRing, scratch.seq);
    writeBack(this.timeRing, scratch.time);
    this.valueRings.forEach((ring, signal) => {
      writeBack(ring, column(scratch.values, signal));
    });
    this.start = 0;
    this.count = capacity - slot;
    return { inserted, duplicates, dropped, changedRing: true };
  }
}
