import { describe, expect, it, vi } from 'vitest';
import { historyPage, liveSample, range, RUN_START_MS, RUN_START_S, TEST_SIGNALS, timeOf } from '../../test/liveFixtures';
import { manualFrames } from '../../test/manualFrames';
import { SampleStore, type StoreSnapshot } from './sampleStore';

function createStore(capacity = 8, { hello = true } = {}) {
  const frames = manualFrames();
  const store = new SampleStore({ signals: TEST_SIGNALS, capacity, scheduler: frames.scheduler });
  if (hello) store.startRun('1', RUN_START_S); // as the stream's hello does: sim time = start_sim + seq s
  return { store, frames };
}

function heldSeqs(snapshot: StoreSnapshot): number[] {
  return Array.from(snapshot.seq);
}

function heldPower(snapshot: StoreSnapshot): number[] {
  return Array.from(snapshot.values.get('power_kw') ?? []);
}

describe('SampleStore: appending live samples', () => {
  it('keeps samples in time order with one column per signal; a dropout is NaN', () => {
    const { store } = createStore();
    store.append(liveSample(0));
    store.append(liveSample(1, '1', { surface_temp_c: null }));
    store.append(liveSample(2));

    const snapshot = store.snapshot();
    expect(snapshot.length).toBe(3);
    expect(heldSeqs(snapshot)).toEqual([0, 1, 2]);
    expect(Array.from(snapshot.time)).toEqual([timeOf(0), timeOf(1), timeOf(2)]);
    expect(snapshot.time[0]).toBe(RUN_START_MS / 1000);
    expect(heldPower(snapshot)).toEqual([1, 11, 21]);
    expect(Array.from(snapshot.values.get('surface_temp_c') ?? [])).toEqual([20, Number.NaN, 22]);
    expect(store.lastSeq).toBe(2);
    expect(store.latest?.seq).toBe(2);
  });

  it('wraps around at capacity: the newest samples stay, in order, in the same buffers', () => {
    const { store } = createStore(4);
    for (const seq of range(0, 3)) store.append(liveSample(seq));
    const before = store.snapshot();

    for (const seq of range(3, 11)) store.append(liveSample(seq));

    const after = store.snapshot();
    expect(store.length).toBe(4);
    expect(heldSeqs(after)).toEqual([7, 8, 9, 10]);
    expect(heldPower(after)).toEqual([71, 81, 91, 101]);
    expect(Array.from(after.time)).toEqual([timeOf(7), timeOf(8), timeOf(9), timeOf(10)]);
    expect(store.firstSeq).toBe(7);
    // Views into the same ring, not copies.
    expect(after.seq.buffer).toBe(before.seq.buffer);
    expect(after.values.get('power_kw')?.buffer).toBe(before.values.get('power_kw')?.buffer);
  });

  it('stays in order at every step of many wraps', () => {
    const { store } = createStore(5);
    for (const seq of range(0, 23)) {
      store.append(liveSample(seq));
      const expected = range(Math.max(0, seq - 4), seq + 1);
      expect(heldSeqs(store.snapshot())).toEqual(expected);
      expect(heldPower(store.snapshot())).toEqual(expected.map((s) => s * 10 + 1));
    }
  });

  it('ignores a sample it already holds and inserts a late one in order', () => {
    const { store } = createStore();
    for (const seq of [0, 1, 3, 4]) store.append(liveSample(seq));

    expect(store.append(liveSample(3))).toBe('duplicate');
    expect(store.append(liveSample(2))).toBe('inserted');

    expect(heldSeqs(store.snapshot())).toEqual([0, 1, 2, 3, 4]);
    expect(store.latest?.seq).toBe(4);
  });

  it('drops a late sample older than everything a full buffer keeps', () => {
    const { store } = createStore(3);
    for (const seq of range(5, 8)) store.append(liveSample(seq));

    expect(store.append(liveSample(1))).toBe('too-old');
    expect(heldSeqs(store.snapshot())).toEqual([5, 6, 7]);
  });

  it('hands out uPlot data [time, ...columns] from a start time on', () => {
    const { store } = createStore();
    for (const seq of range(0, 6)) store.append(liveSample(seq));

    const [time, power, temperature] = store.series(['power_kw', 'surface_temp_c'], timeOf(3));

    expect(Array.from(time)).toEqual([timeOf(3), timeOf(4), timeOf(5)]);
    expect(Array.from(power ?? [])).toEqual([31, 41, 51]);
    expect(Array.from(temperature ?? [])).toEqual([23, 24, 25]);
    expect(store.series(['power_kw'])[0]).toHaveLength(6);
    expect(() => store.series(['no_such_signal'])).toThrow('unknown signal "no_such_signal"');
  });

  it('returns the same snapshot object until something changes', () => {
    const { store } = createStore();
    store.append(liveSample(0));
    const first = store.snapshot();

    expect(store.snapshot()).toBe(first);
    store.append(liveSample(0));
    expect(store.snapshot()).toBe(first);
    store.append(liveSample(1));
    expect(store.snapshot()).not.toBe(first);
  });
});

describe('SampleStore: history back-fill', () => {
  it('merges a page that overlaps the live samples: no duplicates, order kept, live values win', () => {
    const { store } = createStore(20);
    for (const seq of range(5, 10)) store.append(liveSample(seq));

    const report = store.mergeHistory(historyPage(range(0, 8)));

    expect(report).toEqual({ status: 'merged', inserted: 5, duplicates: 3, dropped: 0, gaps: [] });
    expect(heldSeqs(store.snapshot())).toEqual(range(0, 10));
    // seq 0..4 from history (…2), 5..9 from the stream (…1)
    expect(heldPower(store.snapshot())).toEqual([2, 12, 22, 32, 42, 51, 61, 71, 81, 91]);
    expect(Array.from(store.snapshot().time)).toEqual(range(0, 10).map(timeOf));
  });

  it('keeps the newest samples when live and history together exceed the capacity', () => {
    const { store } = createStore(6);
    for (const seq of range(8, 11)) store.append(liveSample(seq));

    const report = store.mergeHistory(historyPage(range(0, 9)));

    expect(heldSeqs(store.snapshot())).toEqual(range(5, 11));
    expect(report.inserted).toBe(3);
    expect(report.duplicates).toBe(1);
    expect(report.dropped).toBe(5);
  });

  it('merges into a wrapped ring and fills a hole in the middle', () => {
    const { store } = createStore(6);
    for (const seq of [0, 1, 2, 3, 4, 5, 7, 8, 9]) store.append(liveSample(seq));
    expect(heldSeqs(store.snapshot())).toEqual([3, 4, 5, 7, 8, 9]);
    expect(store.gaps()).toEqual([{ afterSeq: 5, beforeSeq: 7, missing: 1 }]);

    const report = store.mergeHistory(historyPage([6]));

    expect(heldSeqs(store.snapshot())).toEqual([4, 5, 6, 7, 8, 9]);
    expect(heldPower(store.snapshot())).toEqual([41, 51, 62, 71, 81, 91]);
    expect(report.gaps).toEqual([]);

    // and the ring keeps working after the rewrite
    store.append(liveSample(10));
    expect(heldSeqs(store.snapshot())).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('reports the holes a page leaves and the ones it fills', () => {
    const { store } = createStore(20);
    for (const seq of [10, 11, 12]) store.append(liveSample(seq));

    const first = store.mergeHistory(historyPage([2, 3, 4, 7]));
    expect(first.gaps).toEqual([
      { afterSeq: 4, beforeSeq: 7, missing: 2 },
      { afterSeq: 7, beforeSeq: 10, missing: 2 },
    ]);

    const second = store.mergeHistory(historyPage([5, 6, 8, 9]));
    expect(second.gaps).toEqual([]);
    expect(heldSeqs(store.snapshot())).toEqual(range(2, 13));
  });

  it('accepts an unsorted page with repeated rows', () => {
    const { store } = createStore();
    const report = store.mergeHistory(historyPage([3, 1, 2, 2, 0]));

    expect(heldSeqs(store.snapshot())).toEqual([0, 1, 2, 3]);
    expect(report.inserted).toBe(4);
    expect(report.duplicates).toBe(1);
  });

  it('changes nothing for a page it already holds', () => {
    const { store, frames } = createStore();
    for (const seq of range(0, 4)) store.append(liveSample(seq));
    frames.runFrame();
    const version = store.version;

    const report = store.mergeHistory(historyPage(range(0, 4)));

    expect(report.inserted).toBe(0);
    expect(report.duplicates).toBe(4);
    expect(store.version).toBe(version);
    expect(frames.pending).toBe(0);
  });

  it('adopts the run (and its start_sim) of a first page, then live samples join it', () => {
    const { store } = createStore(8, { hello: false });
    store.mergeHistory(historyPage(range(0, 3), '42'));
    store.append(liveSample(3, '42'));

    expect(store.runId).toBe('42');
    expect(heldSeqs(store.snapshot())).toEqual([0, 1, 2, 3]);
    expect(Array.from(store.snapshot().time)).toEqual([0, 1, 2, 3].map(timeOf));
  });
});

describe('SampleStore: runs', () => {
  it('empties its buffers when a sample of a new run arrives', () => {
    const { store } = createStore();
    for (const seq of range(100, 105)) store.append(liveSample(seq, '1'));

    store.append(liveSample(0, '2'));

    expect(store.runId).toBe('2');
    expect(heldSeqs(store.snapshot())).toEqual([0]);
    expect(store.latest?.run_id).toBe('2');
  });

  it('empties its buffers when the stream says hello from another run, not from the same one', () => {
    const { store } = createStore();
    for (const seq of range(0, 3)) store.append(liveSample(seq, '1'));

    store.startRun('1');
    expect(store.length).toBe(3);

    store.startRun('2');
    expect(store.length).toBe(0);
    expect(store.latest).toBeNull();
    expect(store.runId).toBe('2');
  });

  it('ignores a history page of another run (asked for before the run changed)', () => {
    const { store } = createStore();
    store.append(liveSample(0, '2'));

    const report = store.mergeHistory(historyPage(range(0, 5), '1'));

    expect(report.status).toBe('other-run');
    expect(heldSeqs(store.snapshot())).toEqual([0]);
  });
});

describe('SampleStore: listeners', () => {
  it('tells each listener once per animation frame, however many samples arrived', () => {
    const { store, frames } = createStore();
    const listener = vi.fn();
    store.subscribe(listener);

    for (const seq of range(0, 5)) store.append(liveSample(seq));
    store.mergeHistory(historyPage([]));
    expect(listener).not.toHaveBeenCalled();
    expect(frames.pending).toBe(1);

    frames.runFrame();
    expect(listener).toHaveBeenCalledTimes(1);

    frames.runFrame();
    expect(listener).toHaveBeenCalledTimes(1);

    store.append(liveSample(5));
    frames.runFrame();
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('does not wake listeners for a duplicate', () => {
    const { store, frames } = createStore();
    store.append(liveSample(0));
    frames.runFrame();

    store.append(liveSample(0));
    expect(frames.pending).toBe(0);
  });

  it('stops telling a listener that unsubscribed, and still tells the others if one throws', () => {
    const { store, frames } = createStore();
    const failing = vi.fn(() => {
      throw new Error('chart broke');
    });
    const healthy = vi.fn();
    const leaving = vi.fn();
    store.subscribe(failing);
    store.subscribe(healthy);
    const unsubscribe = store.subscribe(leaving);
    unsubscribe();

    store.append(liveSample(0));
    expect(() => { frames.runFrame(); }).toThrow('a sample store listener failed');

    expect(healthy).toHaveBeenCalledTimes(1);
    expect(leaving).not.toHaveBeenCalled();
  });

  it('cancels a pending notification on dispose', () => {
    const { store, frames } = createStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.append(liveSample(0));

    store.dispose();
    frames.runFrame();

    expect(listener).not.toHaveBeenCalled();
  });
});

/** A deterministic pseudo-random sequence (LCG), so a failure replays the same way. */
function randomSource(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

describe('SampleStore against a reference model', () => {
  it('always holds the newest `capacity` distinct seqs, first value kept, in order', () => {
    const capacity = 16;
    const { store } = createStore(capacity);
    const random = randomSource(20_260_101);
    const model = new Map<number, number>(); // seq → power_kw
    let nextSeq = 0;

    for (let step = 0; step < 600; step += 1) {
      if (random(4) === 0) {
        const from = Math.max(0, nextSeq - random(40));
        const seqs = range(from, from + random(20)).filter(() => random(5) !== 0);
        store.mergeHistory(historyPage(seqs));
        for (const seq of seqs) if (!model.has(seq)) model.set(seq, seq * 10 + 2);
        nextSeq = Math.max(nextSeq, ...seqs.map((seq) => seq + 1));
      } else {
        nextSeq += 1 + (random(6) === 0 ? random(4) : 0);
        store.append(liveSample(nextSeq));
        if (!model.has(nextSeq)) model.set(nextSeq, nextSeq * 10 + 1);
      }
      const expectedSeqs = [...model.keys()].sort((a, b) => a - b).slice(-capacity);
      // Evicted seqs are gone for good, as they are from the ring.
      for (const seq of [...model.keys()]) if (seq < (expectedSeqs[0] ?? 0)) model.delete(seq);

      const snapshot = store.snapshot();
      expect(heldSeqs(snapshot)).toEqual(expectedSeqs);
      expect(heldPower(snapshot)).toEqual(expectedSeqs.map((seq) => model.get(seq)));
      expect(Array.from(snapshot.time)).toEqual(expectedSeqs.map(timeOf));
    }
  });
});
