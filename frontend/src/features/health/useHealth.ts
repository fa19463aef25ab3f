import { useQuery } from '@tanstack/react-query';
import { healthQueryOptions, type Health } from './healthApi';

export type Connection =
  | { state: 'connecting' }
  | { state: 'connected'; health: Health }
  /** The server answers but says the product is not working (503 with a degraded Health). */
  | { state: 'degraded'; health: Health }
  | { state: 'disconnected'; reason: string };

/** The server connection as the operator sees it, derived from the polled health check. */
export function useConnection(): Connection {
  const { data, error, status } = useQuery(healthQueryOptions());
  if (status === 'error') return { state: 'disconnected', reason: error.message };
  if (status === 'pending') return { state: 'connecting' };
  if (data.status === 'degraded') return { state: 'degraded', health: data };
  return { state: 'connected', health: data };
}
