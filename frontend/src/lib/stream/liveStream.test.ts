import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeEventSources } from '../../test/fakeEventSource';
import { jobViewJson, sampleJson, TEST_SIGNALS } from '../../test/liveFixtures';
import { manualFrames } from '../../test/manualFrames';
import { createLiveStream } from './liveStream';

function createTestStream() {
  const sources = fakeEventSources();
  const frames = manualFrames();
  const stream = createLiveStream({
    signals: TEST_SIGNALS,
    capacity: 100,
    scheduler: frames.scheduler,
    createEventSource: sources.create,
    probeStatus: () => Promise.resolve(503),
    statusIntervalMs: 250,
  });
  return { stream, sources, frames };
}

describe('createLiveStream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('feeds samples into the store and resets it when the server says hello from a new run', () => {
    const { stream, sources } = createTestStream();
    stream.start();
    const source = sources.latest();
    source.open();
    source.emit('hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 0 });
    for (const seq of [1, 2, 3]) source.emit('sample', sampleJson(seq, 1), `1:${String(seq)}`);
    expect(Array.from(stream.store.snapshot().seq)).toEqual([1, 2, 3]);

    // The server restarted: a new live run.
    source.drop();
    source.open();
    source.emit('hello', { run_id: 2, start_sim: '2026-01-01T00:00:00+00:00', seq: 0 });
    expect(stream.store.runId).toBe('2');
    expect(stream.store.length).toBe(0);

    source.emit('sample', sampleJson(1, 2), '2:1');
    expect(Array.from(stream.store.snapshot().seq)).toEqual([1]);
  });

  it('empties the store when a restarted server has no live machine (hello without a run), and still passes jobs on', () => {
    const { stream, sources } = createTestStream();
    const jobs = vi.fn();
    stream.jobs.subscribe(jobs);
    stream.start();
    const source = sources.latest();
    source.open();
    source.emit('hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 0 });
    source.emit('sample', sampleJson(1, 1), '1:1');
    expect(stream.store.length).toBe(1);

    source.drop();
    source.open();
    source.emit('hello', { run_id: null, seq: -1 });
    source.emit('job', jobViewJson({ id: 4 }));

    expect(stream.store.runId).toBeNull();
    expect(stream.store.length).toBe(0);
    expect(stream.status.getSnapshot().connection).toMatchObject({ state: 'open', liveMachine: false });
    expect(stream.status.getSnapshot().invalidMessages).toBe(0);
    expect(jobs).toHaveBeenCalledTimes(1);
  });

  it('passes machine events and job progress to their channels', () => {
    const { stream, sources } = createTestStream();
    const events = vi.fn();
    const jobs = vi.fn();
    stream.machineEvents.subscribe(events);
    stream.jobs.subscribe(jobs);
    stream.start();
    const source = sources.latest();
    source.emit('event', { id: 1, run_id: 1, seq: 3, timestamp_sim: '2026-01-01T00:00:03+00:00', kind: 'alarm_raised', code: 12, message: 'Coil water flow low' });
    source.emit('job', jobViewJson({ id: 4, status: 'succeeded', rows_requested: 10, rows_written: 10, rows_done: 10, progress: 1 }));

    expect(events.mock.calls[0]?.[0]).toMatchObject({ kind: 'alarm_raised', code: 12 });
    expect(jobs.mock.calls[0]?.[0]).toMatchObject({ id: 4, status: 'succeeded', rows_written: 10 });
  });

  it('tells React about the connection at once and about new samples at most every 250 ms', async () => {
    const { stream, sources, frames } = createTestStream();
    const listener = vi.fn();
    stream.status.subscribe(listener);
    stream.start();
    const source = sources.latest();
    listener.mockClear();

    source.open();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(stream.status.getSnapshot().connection.state).toBe('open');

    // 20 samples a second for one second, each drawn in its own frame.
    for (let seq = 0; seq < 20; seq += 1) {
      source.emit('sample', sampleJson(seq), `1:${String(seq)}`);
      frames.runFrame();
      await vi.advanceTimersByTimeAsync(50);
    }

    const sampleUpdates = listener.mock.calls.length - 1;
    expect(sampleUpdates).toBeGreaterThanOrEqual(3);
    expect(sampleUpdates).toBeLessThanOrEqual(5);
    await vi.advanceTimersByTimeAsync(250);
    expect(stream.status.getSnapshot()).toMatchObject({ sampleCount: 20, runId: '1', latest: { seq: 19 } });
  });

  it('counts messages it could not decode', async () => {
    const { stream, sources } = createTestStream();
    stream.start();
    sources.latest().emitRaw('sample', 'garbage');
    await vi.advanceTimersByTimeAsync(250);

    expect(stream.status.getSnapshot().invalidMessages).toBe(1);
  });

  it('stop disconnects and keeps the samples', () => {
    const { stream, sources } = createTestStream();
    stream.start();
    sources.latest().emit('sample', sampleJson(1));

    stream.stop();

    expect(sources.latest().closed).toBe(true);
    expect(stream.client.getSnapshot().state).toBe('stopped');
    expect(stream.store.length).toBe(1);
  });
});
