import type { EventSourceLike } from '../lib/stream';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** An `EventSource` a test drives by hand: open it, push typed messages, drop or fail it. */
export class FakeEventSource implements EventSourceLike {
  readonly url: string;
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Set<(event: MessageEvent<string>) => void>>();

  constructor(url: string) {
    this.url = url;
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    const forType = this.listeners.get(type) ?? new Set();
    forType.add(listener);
    this.listeners.set(type, forType);
  }

  close(): void {
    this.readyState = CLOSED;
    this.closed = true;
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = OPEN;
    this.onopen?.(new Event('open'));
  }

  /** One SSE message: `event: type`, `id: id`, `data: JSON`. */
  emit(type: string, data: unknown, id = ''): void {
    this.emitRaw(type, JSON.stringify(data), id);
  }

  emitRaw(type: string, data: string, id = ''): void {
    const event = new MessageEvent<string>(type, { data, lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** The connection dropped and the browser is reconnecting by itself. */
  drop(): void {
    this.readyState = CONNECTING;
    this.onerror?.(new Event('error'));
  }

  /** The browser gave up (an HTTP error or a wrong content type). */
  fail(): void {
    this.readyState = CLOSED;
    this.onerror?.(new Event('error'));
  }
}

/** A factory that records every source it creates. */
export function fakeEventSources() {
  const created: FakeEventSource[] = [];
  return {
    created,
    create: (url: string) => {
      const source = new FakeEventSource(url);
      created.push(source);
      return source;
    },
    latest: (): FakeEventSource => {
      const source = created.at(-1);
      if (!source) throw new Error('no EventSource was created');
      return source;
    },
  };
}
