import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, type ReactNode } from 'react';
import { isNotFound } from '../../api';
import type { LiveStream } from '../liveStream';
import type { SignalCatalogue } from '../signals';
import { createDashboardStream } from './createDashboardStream';
import { LiveDataContext, type LiveData } from './liveDataContext';
import { signalCatalogueQueryOptions } from './signalsQuery';

export type CreateLiveStream = (catalogue: SignalCatalogue) => LiveStream;

/**
 * Loads the signal catalogue, then runs one live stream for the whole dashboard while mounted.
 * Without the catalogue (a 404: this server has no live data) no stream is opened at all.
 */
export function LiveStreamProvider({
  children,
  createStream = createDashboardStream,
}: {
  children: ReactNode;
  createStream?: CreateLiveStream;
}) {
  const catalogue = useQuery(signalCatalogueQueryOptions());
  const stream = useMemo(() => (catalogue.data ? createStream(catalogue.data) : null), [catalogue.data, createStream]);

  useEffect(() => {
    if (!stream) return undefined;
    stream.start();
    return () => {
      stream.stop();
    };
  }, [stream]);

  const { data, error } = catalogue;
  const liveData = useMemo((): LiveData => {
    if (data && stream) return { status: 'ready', catalogue: data, stream };
    if (isNotFound(error)) return { status: 'unavailable' };
    if (error) return { status: 'error', message: error.message };
    return { status: 'loading' };
  }, [data, error, stream]);

  return <LiveDataContext value={liveData}>{children}</LiveDataContext>;
}
