import { useSyncExternalStore } from 'react';
import type { LiveStatusSnapshot } from '../liveStatus';
import type { LiveStream } from '../liveStream';

/**
 * Connection state and newest sample for React, re-rendering at most 4 times a second from samples
 * (at once on a connection change). Charts never go through React state: they subscribe to the store.
 */
export function useLiveStatus(stream: LiveStream): LiveStatusSnapshot {
  return useSyncExternalStore(stream.status.subscribe, stream.status.getSnapshot);
}
