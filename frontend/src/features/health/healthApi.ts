import { queryOptions } from '@tanstack/react-query';
import { expectOneOf, expectRecord, expectString, getJson } from '../../lib/api';

export const DATABASE_KINDS = ['embedded', 'external'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** `GET /api/health`; field names as the API sends them. */
export interface Health {
  status: 'ok';
  database: DatabaseKind;
  postgres_version: string;
  version: string;
}

export function decodeHealth(raw: unknown): Health {
  const record = expectRecord(raw);
  return {
    status: expectOneOf(record, 'status', ['ok'] as const),
    database: expectOneOf(record, 'database', DATABASE_KINDS),
    postgres_version: expectString(record, 'postgres_version'),
    version: expectString(record, 'version'),
  };
}

/** "PostgreSQL 18.1 (embedded) · v0.1.0" */
export function describeHealth(health: Health): string {
  return `PostgreSQL ${health.postgres_version} (${health.database}) · v${health.version}`;
}

/**
 * Health is polled, not streamed: one small request every few seconds, faster while disconnected so
 * the badge recovers quickly. The poll is the retry, so a failed check is shown at once (no silent
 * retries), and polling pauses while the tab is hidden to keep the page light beside the live charts.
 */
export const HEALTH_POLL_CONNECTED_MS = 5_000;
export const HEALTH_POLL_DISCONNECTED_MS = 2_000;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: ['health'],
    queryFn: ({ signal }) => getJson('/api/health', decodeHealth, { signal }),
    retry: false,
    staleTime: HEALTH_POLL_CONNECTED_MS,
    refetchInterval: (query) =>
      query.state.status === 'error' ? HEALTH_POLL_DISCONNECTED_MS : HEALTH_POLL_CONNECTED_MS,
    refetchIntervalInBackground: false,
  });
}
