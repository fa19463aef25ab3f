import { useCallback, useSyncExternalStore } from 'react';
import type { LiveStatusSnapshot } from '../liveStatus';
import type { LiveStream } from '../liveStream';

/**
 * One value derived from the live status (at most 4 updates a second), re-rendering only when that
 * value changes (`Object.is`). `select` must return a primitive or a value held by the snapshot,
 * never a new object per call. Without a stream (`null`) it returns `select(null)`.
 */
export function useLiveSelector<T>(stream: LiveStream | null, select: (status: LiveStatusSnapshot | null) => T): T {
  const subscribe = useCallback(
    (listener: () => void) => (stream ? stream.status.subscribe(listener) : () => undefined),
    [stream],
  );
  const getSnapshot = () => select(stream ? stream.status.getSnapshot() : null);
  return useSyncExternalStore(subscribe, getSnapshot);
}
