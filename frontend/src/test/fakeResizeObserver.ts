import { vi } from 'vitest';

/** `ResizeObserver` for jsdom: a test calls `resize(width)` to play a layout change. */
export class FakeResizeObserver {
  static readonly instances: FakeResizeObserver[] = [];
  private readonly callback: ResizeObserverCallback;
  readonly observe = vi.fn();
  readonly unobserve = vi.fn();
  readonly disconnect = vi.fn();

  constructor(callback: ResizeObserverCallback) {
    this.callback = callback;
    FakeResizeObserver.instances.push(this);
  }

  resize(width: number, height = 150): void {
    const entry = { contentRect: { width, height } } as ResizeObserverEntry;
    this.callback([entry], this);
  }

  /** Installs the fake for one test (restored by `unstubGlobals`). */
  static install(): void {
    FakeResizeObserver.instances.length = 0;
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  }
}
