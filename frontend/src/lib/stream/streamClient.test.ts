import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeEventSources } from '../../test/fakeEventSource';
import { jobViewJson, sampleJson, TEST_SIGNALS } from '../../test/liveFixtures';
import type { JobView } from './jobView';
import { sampleDecoder, type LiveSample, type MachineEvent, type StreamHello } from './liveMessages';
import { resumeUrl, StreamClient, type StreamHandlers } from './streamClient';

function createClient(probeStatus: (url: string) => Promise<number> = () => Promise.resolve(503)) {
  const sources = fakeEventSources();
  const handlers = {
    onHello: vi.fn<(hello: StreamHello) => void>(),
    onSample: vi.fn<(sample: LiveSample) => void>(),
    onEvent: vi.fn<(event: MachineEvent) => void>(),
    onJob: vi.fn<(job: JobView) => void>(),
    onInvalidMessage: vi.fn<(type: string, reason: string) => void>(),
  } satisfies StreamHandlers;
  const probe = vi.fn(probeStatus);
  const client = new StreamClient({
    url: '/api/stream',
    decodeSample: sampleDecoder(TEST_SIGNALS),
    handlers,
    createEventSource: sources.create,
    probeStatus: probe,
  });
  const states: string[] = [];
  client.subscribe(() => {
    const state = client.getSnapshot().state;
    if (states.at(-1) !== state) states.push(state);
  });
  return { client, sources, handlers, probe, states };
}

describe('StreamClient: messages', () => {
  it('decodes hello, sample, event and job messages into typed values', () => {
    const { client, sources, handlers } = createClient();
    client.start();
    const source = sources.latest();
    source.open();

    source.emit('hello', { run_id: 3, start_sim: '2026-01-01T00:00:00+00:00', seq: 41 });
    source.emit('sample', sampleJson(42, 3), '3:42');
    source.emit('event', {
      id: 9,
      run_id: 3,
      seq: 42,
      kind: 'state_change',
      code: null,
      message: 'IDLE → HEATING',
      from_state: 'IDLE',
    });
    source.emit('job', jobViewJson({ id: 5, rows_done: 1_000, progress: 0.02, rows_per_s: 9_000, eta_s: 5.4 }));

    expect(handlers.onHello).toHaveBeenCalledWith({ run_id: '3', start_sim: Date.parse('2026-01-01T00:00:00Z') / 1000, seq: 41 });
    const sample = handlers.onSample.mock.calls[0]?.[0];
    expect(sample).toMatchObject({
      run_id: '3',
      seq: 42,
      machine_state: 'HEATING',
      part_id: 7,
      fault_labels: ['coil_water_flow_loss:active'],
      values: { power_kw: 421, surface_temp_c: 62 },
    });
    expect(handlers.onEvent.mock.calls[0]?.[0]).toMatchObject({ id: 9, kind: 'state_change', raw: { from_state: 'IDLE' } });
    expect(handlers.onJob).toHaveBeenCalledWith(
      expect.objectContaining({ id: 5, status: 'running', rows_requested: 50_000, rows_done: 1_000, progress: 0.02, eta_s: 5.4 }),
    );
    expect(handlers.onInvalidMessage).not.toHaveBeenCalled();
  });

  it('skips messages that do not decode and says why, without throwing', () => {
    const { client, sources, handlers } = createClient();
    client.start();
    const source = sources.latest();
    source.open();

    source.emitRaw('sample', '{not json');
    const withoutPower = sampleJson(1);
    delete withoutPower.power_kw;
    source.emit('sample', withoutPower);
    source.emit('hello', { run_id: 1 });

    expect(handlers.onSample).not.toHaveBeenCalled();
    expect(handlers.onHello).not.toHaveBeenCalled();
    expect(handlers.onInvalidMessage).toHaveBeenCalledTimes(3);
    expect(handlers.onInvalidMessage).toHaveBeenCalledWith('sample', 'signal "power_kw" is missing');
    expect(handlers.onInvalidMessage).toHaveBeenCalledWith('hello', 'field "seq" should be a number');
  });

  it('accepts a sensor dropout (null) as a value', () => {
    const { client, sources, handlers } = createClient();
    client.start();
    sources.latest().emit('sample', { ...sampleJson(1), surface_temp_c: null });

    expect(handlers.onSample.mock.calls[0]?.[0]?.values).toEqual({ power_kw: 11, surface_temp_c: null });
  });

  it('tracks the id of the last message', () => {
    const { client, sources } = createClient();
    client.start();
    const source = sources.latest();
    source.open();
    expect(client.lastEventId).toBeNull();

    source.emit('sample', sampleJson(7), '1:7');
    source.emit('sample', sampleJson(8), '1:8');

    expect(client.lastEventId).toBe('1:8');
  });
});

describe('StreamClient: connection state', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes connecting → open, and reports reconnecting while the browser retries', () => {
    const { client, sources, states } = createClient();
    client.start();
    const source = sources.latest();
    expect(client.getSnapshot()).toMatchObject({ state: 'connecting', opens: 0 });

    source.open();
    expect(client.getSnapshot()).toMatchObject({ state: 'open', opens: 1, attempt: 0 });

    source.drop();
    expect(client.getSnapshot()).toMatchObject({ state: 'reconnecting', attempt: 1, retryInMs: null });
    source.drop();
    expect(client.getSnapshot().attempt).toBe(2);

    source.open(); // the browser's own reconnection, same EventSource (it resent Last-Event-ID)
    expect(client.getSnapshot()).toMatchObject({ state: 'open', opens: 2, attempt: 0 });
    expect(sources.created).toHaveLength(1);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('when the browser gives up, opens a new source after 1 s, 2 s, 4 s, resuming after the last sample', async () => {
    const { client, sources, probe } = createClient(() => Promise.resolve(503));
    client.start();
    sources.latest().open();
    sources.latest().emit('sample', sampleJson(41, 3), '3:41');

    sources.latest().fail(); // after having been open: no probe needed
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).not.toHaveBeenCalled();
    expect(client.getSnapshot()).toMatchObject({ state: 'reconnecting', attempt: 1, retryInMs: 1_000 });
    expect(sources.latest().closed).toBe(true);

    await vi.advanceTimersByTimeAsync(999);
    expect(sources.created).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources.created).toHaveLength(2);
    expect(sources.latest().url).toBe('/api/stream?since=41&run_id=3');

    sources.latest().fail(); // never opened: ask what the server answers
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).toHaveBeenCalledWith('/api/stream');
    expect(client.getSnapshot()).toMatchObject({ state: 'reconnecting', attempt: 2, retryInMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sources.created).toHaveLength(3);

    sources.latest().fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getSnapshot().retryInMs).toBe(4_000);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(sources.created).toHaveLength(4);

    sources.latest().open();
    expect(client.getSnapshot()).toMatchObject({ state: 'open', attempt: 0, retryInMs: null, opens: 2 });
  });

  it('stops quietly when the server has no stream (404)', async () => {
    const { client, sources, probe } = createClient(() => Promise.resolve(404));
    client.start();

    sources.latest().fail();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(probe).toHaveBeenCalledTimes(1);
    expect(client.getSnapshot().state).toBe('unavailable');
    expect(sources.created).toHaveLength(1);
  });

  it('caps the back-off at 30 s', async () => {
    const { client, sources } = createClient(() => Promise.resolve(0));
    client.start();
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      sources.latest().fail();
      await vi.advanceTimersByTimeAsync(0);
      await vi.advanceTimersByTimeAsync(client.getSnapshot().retryInMs ?? 0);
    }
    sources.latest().fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getSnapshot()).toMatchObject({ attempt: 9, retryInMs: 30_000 });
  });

  it('stop closes the source, cancels a pending retry and ignores late callbacks', async () => {
    const { client, sources } = createClient();
    client.start();
    const first = sources.latest();
    first.open();
    first.fail();
    await vi.advanceTimersByTimeAsync(0);

    client.stop();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(client.getSnapshot().state).toBe('stopped');
    expect(first.closed).toBe(true);
    expect(sources.created).toHaveLength(1);

    client.start(); // a component mounted again (React StrictMode does this)
    expect(sources.created).toHaveLength(2);
    first.onopen?.(new Event('open'));
    expect(client.getSnapshot().state).toBe('connecting');
  });
});

describe('StreamClient: a server without a live machine (hello without a run)', () => {
  it('says liveMachine false, stays open for job messages and does not count the hello as invalid', () => {
    const { client, sources, handlers, states } = createClient();
    client.start();
    const source = sources.latest();
    source.open();
    expect(client.getSnapshot().liveMachine).toBeNull();

    source.emit('hello', { run_id: null, seq: -1 });
    source.emit('job', jobViewJson({ id: 5, status: 'succeeded', progress: 1, rows_done: 50_000 }));

    expect(handlers.onHello).toHaveBeenCalledWith({ run_id: null, start_sim: null, seq: -1 });
    expect(handlers.onJob).toHaveBeenCalledWith(expect.objectContaining({ id: 5, status: 'succeeded' }));
    expect(handlers.onInvalidMessage).not.toHaveBeenCalled();
    expect(client.getSnapshot()).toMatchObject({ state: 'open', liveMachine: false, attempt: 0 });
    expect(states).toEqual(['connecting', 'open']);
    expect(sources.created).toHaveLength(1);
  });

  it('resumes nothing from an earlier live run, and says liveMachine true once a hello names a run again', () => {
    vi.useFakeTimers();
    try {
      const { client, sources } = createClient();
      client.start();
      sources.latest().open();
      sources.latest().emit('hello', { run_id: 3, start_sim: '2026-01-01T00:00:00+00:00', seq: 40 });
      sources.latest().emit('sample', sampleJson(41, 3), '3:41');
      expect(client.getSnapshot().liveMachine).toBe(true);

      sources.latest().drop(); // the server restarts without a live machine; the browser reconnects
      sources.latest().open();
      sources.latest().emit('hello', { run_id: null, seq: -1 });
      expect(client.getSnapshot().liveMachine).toBe(false);

      sources.latest().fail(); // and later gives up: the new source has no resume position
      vi.advanceTimersByTime(1_000);
      expect(sources.latest().url).toBe('/api/stream');
      sources.latest().open();
      sources.latest().emit('hello', { run_id: 4, start_sim: '2026-01-01T00:00:00+00:00', seq: 0 });
      expect(client.getSnapshot().liveMachine).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('resumeUrl', () => {
  it('adds the position after which a new connection resumes', () => {
    expect(resumeUrl('/api/stream', null)).toBe('/api/stream');
    expect(resumeUrl('/api/stream', { runId: '7', seq: 120 })).toBe('/api/stream?since=120&run_id=7');
    expect(resumeUrl('/api/stream?x=1', { runId: '7', seq: 1 })).toBe('/api/stream?x=1&since=1&run_id=7');
  });
});
