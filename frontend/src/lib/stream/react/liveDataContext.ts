import { createContext } from 'react';
import type { LiveStream } from '../liveStream';
import type { SignalCatalogue } from '../signals';

/** What the dashboard knows about live data, as panels see it. */
export type LiveData =
  | { status: 'loading' }
  /** This server has no live endpoints (404): an expected state, shown quietly. */
  | { status: 'unavailable' }
  | { status: 'error'; message: string }
  | { status: 'ready'; catalogue: SignalCatalogue; stream: LiveStream };

export const LiveDataContext = createContext<LiveData | null>(null);
