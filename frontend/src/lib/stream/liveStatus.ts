/**
 * The coarse state of the live stream for React: the connection (as soon as it changes) and the
 * newest sample (at most a few times a second). Charts do not use this; they subscribe to the store.
 */
import type { LiveSample, RunId } from './liveMessages';
import type { SampleStore } from './sampleStore';
import type { ConnectionSnapshot, StreamClient } from './streamClient';

/** Newest values reach React at most 4 times a second. */
export const LIVE_STATUS_INTERVAL_MS = 250;

export interface LiveStatusSnapshot {
  connection: ConnectionSnapshot;
  runId: RunId | null;
  /** Samples held in the store (live and back-filled). */
  sampleCount: number;
  /** The newest live sample. */
  latest: LiveSample | null;
  /** Messages skipped because they did not decode. */
  invalidMessages: number;
}

type StatusSources = Pick<SampleStore, 'subscribe' | 'runId' | 'length' | 'latest'>;

export class LiveStatus {
  private readonly store: StatusSources;
  private readonly client: Pick<StreamClient, 'subscribe' | 'getSnapshot'>;
  private readonly intervalMs: number;
  private current: LiveStatusSnapshot;
  private invalidMessages = 0;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribers: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    store: StatusSources,
    client: Pick<StreamClient, 'subscribe' | 'getSnapshot'>,
    intervalMs = LIVE_STATUS_INTERVAL_MS,
  ) {
    this.store = store;
    this.client = client;
    this.intervalMs = intervalMs;
    this.current = this.read();
  }

  getSnapshot = (): LiveStatusSnapshot => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  start(): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers = [
      this.store.subscribe(() => { this.throttledRefresh(); }),
      this.client.subscribe(() => { this.refreshNow(); }),
    ];
    this.refreshNow();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
    this.clearTimer();
  }

  noteInvalidMessage(): void {
    this.invalidMessages += 1;
    this.throttledRefresh();
  }

  private read(): LiveStatusSnapshot {
    return {
      connection: this.client.getSnapshot(),
      runId: this.store.runId,
      sampleCount: this.store.length,
      latest: this.store.latest,
      invalidMessages: this.invalidMessages,
    };
  }

  private throttledRefresh(): void {
    if (this.timer !== null) return;
    const wait = this.lastEmitAt + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.refreshNow();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refreshNow();
    }, wait);
  }

  private refreshNow(): void {
    this.clearTimer();
    this.lastEmitAt = Date.now();
    const next = this.read();
    const previous = this.current;
    const same =
      next.connection === previous.connection &&
      next.runId === previous.runId &&
      next.sampleCount === previous.sampleCount &&
      next.latest === previous.latest &&
      next.invalidMessages === previous.invalidMessages;
    if (same) return;
    this.current = next;
    for (const listener of this.listeners) listener();
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }
}
