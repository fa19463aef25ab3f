import type { FrameScheduler } from '../lib/stream';

/** A frame scheduler a test advances by hand: `runFrame()` plays what one animation frame would. */
export function manualFrames() {
  const callbacks = new Map<number, () => void>();
  let nextHandle = 1;
  const scheduler: FrameScheduler = {
    request: (callback) => {
      const handle = nextHandle;
      nextHandle += 1;
      callbacks.set(handle, callback);
      return handle;
    },
    cancel: (handle) => {
      callbacks.delete(handle);
    },
  };
  return {
    scheduler,
    get pending(): number {
      return callbacks.size;
    },
    runFrame: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
  };
}
