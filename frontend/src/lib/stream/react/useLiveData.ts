import { useContext } from 'react';
import { LiveDataContext, type LiveData } from './liveDataContext';

/** The live data of the dashboard; needs a `<LiveStreamProvider>` above. */
export function useLiveData(): LiveData {
  const liveData = useContext(LiveDataContext);
  if (liveData === null) throw new Error('useLiveData() needs a <LiveStreamProvider> above it');
  return liveData;
}
