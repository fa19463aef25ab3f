import { describe, expect, it } from 'vitest';
import { ApiError, NO_RESPONSE } from '../../lib/api';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { decodeHealth, describeHealth, fetchHealth, type Health } from './healthApi';

const healthy = {
  status: 'ok',
  detail: 'ok',
  reasons: [],
  database: 'external',
  postgres_version: '17.4',
  version: '0.2.0',
  engine_version: '1',
  event_loop: { lag_ms: 0.4 },
};

const poolBusy = 'database pool busy: no connection free within 10.0 s';
const degraded = { ...healthy, status: 'degraded', detail: poolBusy, reasons: [poolBusy], postgres_version: null };

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the health check to fail');
}

describe('decodeHealth', () => {
  it('reads an ok and a degraded report, a missing PostgreSQL version as null', () => {
    expect(decodeHealth(healthy)).toEqual<Health>({
      status: 'ok',
      detail: 'ok',
      reasons: [],
      database: 'external',
      postgres_version: '17.4',
      version: '0.2.0',
    });
    expect(decodeHealth(degraded)).toMatchObject({ status: 'degraded', detail: poolBusy, reasons: [poolBusy], postgres_version: null });
  });

  it.each([
    ['an unknown status', { ...healthy, status: 'broken' }, 'field "status" should be one of ok, degraded'],
    ['no detail', { ...healthy, detail: undefined }, 'field "detail" should be a string'],
    ['reasons that are not strings', { ...healthy, reasons: [1] }, 'field "reasons" should be a list of strings'],
    ['reasons that are not a list', { ...healthy, reasons: 'none' }, 'field "reasons" should be a list of strings'],
    ['a numeric PostgreSQL version', { ...healthy, postgres_version: 17 }, 'field "postgres_version" should be a string'],
    ['a missing PostgreSQL version', { ...healthy, postgres_version: undefined }, 'field "postgres_version" should be a string'],
  ])('refuses %s', (_, raw, message) => {
    expect(() => decodeHealth(raw)).toThrow(message);
  });
});

describe('describeHealth', () => {
  it('names the database and the version, leaving out a PostgreSQL version the server lacks', () => {
    expect(describeHealth(decodeHealth(healthy))).toBe('PostgreSQL 17.4 (external) · v0.2.0');
    expect(describeHealth(decodeHealth({ ...healthy, postgres_version: null }))).toBe('PostgreSQL (external) · v0.2.0');
  });
});

describe('fetchHealth', () => {
  it('returns the report of a 200', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse(healthy)));

    await expect(fetchHealth()).resolves.toMatchObject({ status: 'ok' });
    expect(fetchMock).toHaveBeenCalledWith('/api/health', expect.objectContaining({ method: 'GET' }));
  });

  it('returns the report of a 503 whose body is a degraded health report', async () => {
    stubFetch(() => Promise.resolve(jsonResponse(degraded, 503)));

    await expect(fetchHealth()).resolves.toMatchObject({ status: 'degraded', detail: poolBusy });
  });

  it('fails with the detail of any other 503', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ detail: 'Database unavailable: connection refused' }, 503)));

    const error = await failure(fetchHealth());

    expect(error.status).toBe(503);
    expect(error.message).toBe('Database unavailable: connection refused (HTTP 503)');
  });

  it('fails on a 500, even with a degraded body', async () => {
    stubFetch(() => Promise.resolve(jsonResponse(degraded, 500)));

    expect((await failure(fetchHealth())).status).toBe(500);
  });

  it('fails on a 200 of the wrong shape', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ status: 'ok' })));

    expect((await failure(fetchHealth())).message).toMatch(/^Unexpected response from \/api\/health: field "detail"/);
  });

  it('fails without a status when the server cannot be reached', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));

    const error = await failure(fetchHealth());

    expect(error.status).toBe(NO_RESPONSE);
    expect(error.message).toBe('Cannot reach the server (Failed to fetch)');
  });
});
