/** Something that runs a callback before the next paint: `requestAnimationFrame` in a browser. */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const FALLBACK_FRAME_MS = 16;

/** `requestAnimationFrame` where there is one, a 16 ms timer elsewhere (workers, tests without rAF). */
export function animationFrameScheduler(): FrameScheduler {
  if (typeof requestAnimationFrame === 'function') {
    return {
      request: (callback) => requestAnimationFrame(() => { callback(); }),
      cancel: (handle) => { cancelAnimationFrame(handle); },
    };
  }
  return {
    request: (callback) => setTimeout(callback, FALLBACK_FRAME_MS),
    cancel: (handle) => { clearTimeout(handle); },
  };
}

/**
 * Coalesces any number of `schedule()` calls into one `flush()` per frame: ten samples arriving
 * within one frame cost one chart update, not ten.
 */
export class FrameBatcher {
  private readonly scheduler: FrameScheduler;
  private readonly flush: () => void;
  private pending: number | null = null;

  constructor(scheduler: FrameScheduler, flush: () => void) {
    this.scheduler = scheduler;
    this.flush = flush;
  }

  get isPending(): boolean {
    return this.pending !== null;
  }

  schedule(): void {
    if (this.pending !== null) return;
    this.pending = this.scheduler.request(() => {
      this.pending = null;
      this.flush();
    });
  }

  cancel(): void {
    if (this.pending === null) return;
    this.scheduler.cancel(this.pending);
    this.pending = null;
  }
}
