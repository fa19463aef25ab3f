import { queryOptions } from '@tanstack/react-query';
import { getJson, isNotFound } from '../../api';
import { decodeSignalCatalogue, SIGNALS_PATH } from '../signals';

/** While the catalogue cannot be had (server down, 5xx), ask again this often; a 404 is final. */
export const CATALOGUE_RETRY_MS = 5_000;

/** The signal catalogue does not change while the server runs: fetched once per page. */
export function signalCatalogueQueryOptions() {
  return queryOptions({
    queryKey: ['signals'],
    queryFn: ({ signal }) => getJson(SIGNALS_PATH, decodeSignalCatalogue, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    refetchInterval: (query) => {
      const { error } = query.state;
      if (!error) return false;
      return isNotFound(error) ? false : CATALOGUE_RETRY_MS;
    },
  });
}
