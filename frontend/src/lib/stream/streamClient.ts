/**
 * The live stream (`GET /api/stream`, Server-Sent Events) as typed callbacks and a connection state.
 *
 * While a connection drops, the browser's `EventSource` reconnects by itself and resends
 * `Last-Event-ID`, so the server resumes after the last sample (state `reconnecting`). When the
 * browser gives up (an HTTP error, a wrong content type), this client opens a new `EventSource`
 * with `?since=<seq of the last sample>` after an exponential back-off. A 404 means the server has no
 * live stream at all (state `unavailable`, no more retries). A `hello` without a run (`run_id: null`)
 * means the server has no live machine: the stream stays open for its `job` messages and the
 * snapshot says `liveMachine: false`.
 */
import { isNotFound } from '../api';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { decodeJobView, type JobView } from './jobView';
import {
  decodeMachineEvent,
  decodeStreamHello,
  type LiveSample,
  type MachineEvent,
  type RunId,
  type StreamHello,
} from './liveMessages';
import { probeStatus as probeStatusOverHttp } from './probeStatus';

export const STREAM_PATH = '/api/stream';

/** The part of `EventSource` this client uses (a fake in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

/** `EventSource.CLOSED`: the browser will not reconnect this source. */
const READY_STATE_CLOSED = 2;

export type ConnectionState =
  | 'idle' // not started
  | 'connecting' // first attempt under way
  | 'open'
  | 'reconnecting' // the browser or this client is trying again
  | 'unavailable' // the server has no live stream (404)
  | 'stopped';

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Failed attempts since the stream was last open. */
  attempt: number;
  /** Milliseconds until this client's next attempt, while it waits (`null` when the browser retries). */
  retryInMs: number | null;
  /** How many times the stream has opened: the first connection and every reconnection. */
  opens: number;
  /**
   * What the last `hello` said: `true` with a live run, `false` on a server without a live machine
   * (`run_id: null`; only `job` messages come), `null` before the first `hello`.
   */
  liveMachine: boolean | null;
}

export interface StreamHandlers {
  onHello?: (hello: StreamHello) => void;
  onSample?: (sample: LiveSample) => void;
  onEvent?: (event: MachineEvent) => void;
  /** A job's view (as `GET /api/jobs/{id}` answers) when it is created, twice a second while it runs, and when it ends. */
  onJob?: (job: JobView) => void;
  /** A message that did not decode; it is skipped. */
  onInvalidMessage?: (type: string, reason: string) => void;
}

export interface StreamClientOptions {
  url?: string;
  /** Decodes `sample` data for the catalogue in use (`sampleDecoder(signals)`). */
  decodeSample: (raw: unknown) => LiveSample;
  handlers: StreamHandlers;
  createEventSource?: EventSourceFactory;
  /** HTTP status of the stream URL, asked when an attempt failed before it ever opened. */
  probeStatus?: (url: string) => Promise<number>;
  backoff?: BackoffPolicy;
}

const INITIAL_SNAPSHOT: ConnectionSnapshot = {
  state: 'idle',
  attempt: 0,
  retryInMs: null,
  opens: 0,
  liveMachine: null,
};

/** `url` with the resume position of a new `EventSource` (the browser's own `Last-Event-ID` is gone). */
export function resumeUrl(url: string, after: { runId: RunId; seq: number } | null): string {
  if (!after) return url;
  const params = new URLSearchParams({ since: String(after.seq), run_id: after.runId });
  return `${url}${url.includes('?') ? '&' : '?'}${params.toString()}`;
}

export class StreamClient {
  private readonly url: string;
  private readonly decodeSample: (raw: unknown) => LiveSample;
  private readonly handlers: StreamHandlers;
  private readonly createEventSource: EventSourceFactory;
  private readonly probeStatus: (url: string) => Promise<number>;
  private readonly backoff: BackoffPolicy;

  private source: EventSourceLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by `start`/`stop`: callbacks of an older generation are ignored. */
  private generation = 0;
  private lastSample: { runId: RunId; seq: number } | null = null;
  private lastId: string | null = null;
  private current: ConnectionSnapshot = INITIAL_SNAPSHOT;
  private readonly listeners = new Set<() => void>();

  constructor(options: StreamClientOptions) {
    this.url = options.url ?? STREAM_PATH;
    this.decodeSample = options.decodeSample;
    this.handlers = options.handlers;
    this.createEventSource = options.createEventSource ?? ((url) => new EventSource(url));
    this.probeStatus = options.probeStatus ?? probeStatusOverHttp;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** The current connection state (a new object on every change). */
  getSnapshot = (): ConnectionSnapshot => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The id of the last message received (`"<run_id>:<seq>"` for samples), as `Last-Event-ID` resends it. */
  get lastEventId(): string | null {
    return this.lastId;
  }

  get isRunning(): boolean {
    return this.current.state !== 'idle' && this.current.state !== 'stopped' && this.current.state !== 'unavailable';
  }

  start(): void {
    if (this.isRunning) return;
    this.generation += 1;
    this.update({ state: 'connecting', attempt: 0, retryInMs: null });
    this.connect();
  }

  stop(): void {
    this.generation += 1;
    this.closeSource();
    this.clearRetry();
    if (this.current.state !== 'idle') this.update({ state: 'stopped', retryInMs: null });
  }

  private connect(): void {
    const generation = this.generation;
    const source = this.createEventSource(resumeUrl(this.url, this.lastSample));
    this.source = source;
    let opened = false;
    const isCurrent = () => generation === this.generation && source === this.source;

    source.onopen = () => {
      if (!isCurrent()) return;
      opened = true;
      this.update({ state: 'open', attempt: 0, retryInMs: null, opens: this.current.opens + 1 });
    };
    source.onerror = () => {
      if (!isCurrent()) return;
      if (source.readyState === READY_STATE_CLOSED) {
        this.closeSource();
        void this.retryAfterGivingUp(generation, opened);
      } else {
        // The browser reconnects by itself and sends Last-Event-ID.
        this.update({ state: 'reconnecting', attempt: this.current.attempt + 1, retryInMs: null });
      }
    };
    this.listen(source, 'hello', decodeStreamHello, (hello) => {
      const liveMachine = hello.run_id !== null;
      if (!liveMachine) this.lastSample = null; // nothing to resume on a server without a live run
      if (liveMachine !== this.current.liveMachine) this.update({ liveMachine });
      this.handlers.onHello?.(hello);
    });
    this.listen(source, 'sample', this.decodeSample, (sample) => {
      this.lastSample = { runId: sample.run_id, seq: sample.seq };
      this.handlers.onSample?.(sample);
    });
    this.listen(source, 'event', decodeMachineEvent, (event) => this.handlers.onEvent?.(event));
    this.listen(source, 'job', decodeJobView, (job) => this.handlers.onJob?.(job));
  }

  private listen<T>(source: EventSourceLike, type: string, decode: (raw: unknown) => T, handle: (value: T) => void): void {
    source.addEventListener(type, (message) => {
      if (source !== this.source) return;
      let value: T;
      try {
        value = decode(JSON.parse(message.data));
      } catch (error) {
        this.handlers.onInvalidMessage?.(type, error instanceof Error ? error.message : String(error));
        return;
      }
      if (message.lastEventId) this.lastId = message.lastEventId;
      handle(value);
    });
  }

  private async retryAfterGivingUp(generation: number, hadOpened: boolean): Promise<void> {
    const attempt = this.current.attempt + 1;
    this.update({ state: 'reconnecting', attempt, retryInMs: null });
    if (!hadOpened) {
      const status = await this.probeStatus(this.url);
      if (generation !== this.generation) return;
      if (isNotFound(status)) {
        this.update({ state: 'unavailable', retryInMs: null });
        return;
      }
    }
    const delay = backoffDelay(attempt, this.backoff);
    this.update({ retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (generation !== this.generation) return;
      this.update({ retryInMs: null });
      this.connect();
    }, delay);
  }

  private closeSource(): void {
    if (!this.source) return;
    this.source.onopen = null;
    this.source.onerror = null;
    this.source.close();
    this.source = null;
  }

  private clearRetry(): void {
    if (this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private update(change: Partial<ConnectionSnapshot>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener();
  }
}
