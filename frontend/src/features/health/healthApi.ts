import { queryOptions } from '@tanstack/react-query';
import { ApiError, expectOneOf, expectRecord, expectString, NO_RESPONSE, readErrorDetail, type ApiSchema } from '../../lib/api';

export type DatabaseKind = ApiSchema<'Health'>['database'];
export const DATABASE_KINDS = ['embedded', 'external'] as const satisfies readonly DatabaseKind[];

export type HealthStatus = ApiSchema<'Health'>['status'];
export const HEALTH_STATUSES = ['ok', 'degraded'] as const satisfies readonly HealthStatus[];

export const HEALTH_PATH = '/api/health';
/** The status the server answers with, a full Health body included, while the product is degraded. */
export const HTTP_SERVICE_UNAVAILABLE = 503;

/** `GET /api/health`; field names as the API sends them (`engine_version` and `event_loop` are not read). */
/**
 * `Health` as the badge reads it (`engine_version` and `event_loop` are not read): `detail` is "ok"
 * or one line naming why the product is degraded, `reasons` every reason (empty when ok),
 * `postgres_version` null when the database did not answer.
 */
export type Health = Pick<
  ApiSchema<'Health'>,
  'status' | 'detail' | 'reasons' | 'database' | 'postgres_version' | 'version'
>;

function expectStringOrNull(record: Record<string, unknown>, key: string): string | null {
  return record[key] === null ? null : expectString(record, key);
}

function expectStringList(record: Record<string, unknown>, key: string): string[] {
  const value = record[key];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`field "${key}" should be a list of strings`);
  }
  return value;
}

export function decodeHealth(raw: unknown): Health {
  const record = expectRecord(raw);
  return {
    status: expectOneOf(record, 'status', HEALTH_STATUSES),
    detail: expectString(record, 'detail'),
    reasons: expectStringList(record, 'reasons'),
    database: expectOneOf(record, 'database', DATABASE_KINDS),
    postgres_version: expectStringOrNull(record, 'postgres_version'),
    version: expectString(record, 'version'),
  };
}

/** "PostgreSQL 18.1 (embedded) · v0.1.0" */
export function describeHealth(health: Health): string {
  const postgres = health.postgres_version === null ? 'PostgreSQL' : `PostgreSQL ${health.postgres_version}`;
  return `${postgres} (${health.database}) · v${health.version}`;
}

/** A 503 whose body is a degraded Health, or `null` for any other 503 body (a proxy's, a plain error). */
function degradedHealth(bodyText: string): Health | null {
  try {
    const health = decodeHealth(JSON.parse(bodyText));
    return health.status === 'degraded' ? health : null;
  } catch {
    return null;
  }
}

/**
 * `GET /api/health` as the badge reads it. Unlike `getJson`, a 503 whose body is a degraded Health
 * is an answer, not a failure: the server is up and says what is wrong. Every other failure — no
 * answer, another HTTP error, any other 503, a body of the wrong shape — is an {@link ApiError} as
 * `getJson` reports it.
 */
export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  let response: Response;
  try {
    response = await fetch(HEALTH_PATH, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(HEALTH_PATH, NO_RESPONSE, `Cannot reach the server (${reason})`);
  }
  const bodyText = await response.text().catch(() => '');
  if (response.status === HTTP_SERVICE_UNAVAILABLE) {
    const degraded = degradedHealth(bodyText);
    if (degraded) return degraded;
  }
  if (!response.ok) {
    throw new ApiError(HEALTH_PATH, response.status, readErrorDetail(bodyText, response.statusText));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bodyText);
  } catch {
    throw new ApiError(HEALTH_PATH, response.status, `Response from ${HEALTH_PATH} is not JSON`);
  }
  try {
    return decodeHealth(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(HEALTH_PATH, response.status, `Unexpected response from ${HEALTH_PATH}: ${reason}`);
  }
}

/**
 * Health is polled, not streamed: one small request every few seconds, faster while disconnected or
 * degraded so the badge recovers quickly. The poll is the retry, so a failed check is shown at once
 * (no silent retries), and polling pauses while the tab is hidden to keep the page light beside the
 * live charts.
 */
export const HEALTH_POLL_CONNECTED_MS = 5_000;
export const HEALTH_POLL_DISCONNECTED_MS = 2_000;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: ['health'],
    queryFn: ({ signal }) => fetchHealth(signal),
    retry: false,
    staleTime: HEALTH_POLL_CONNECTED_MS,
    refetchInterval: (query) =>
      query.state.status === 'error' || query.state.data?.status === 'degraded'
        ? HEALTH_POLL_DISCONNECTED_MS
        : HEALTH_POLL_CONNECTED_MS,
    refetchIntervalInBackground: false,
  });
}
