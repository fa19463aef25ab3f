import { describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '../test/fetchMock';
import { ApiError, expectRecord, expectString, getJson, isNotFound, NO_RESPONSE, readErrorDetail } from './api';

const decodeName = (raw: unknown) => ({ name: expectString(expectRecord(raw), 'name') });

async function captureApiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('getJson', () => {
  it('returns the decoded body of a successful response', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse({ name: 'coil' })));

    await expect(getJson('/api/thing', decodeName)).resolves.toEqual({ name: 'coil' });
    expect(fetchMock).toHaveBeenCalledWith('/api/thing', expect.objectContaining({ method: 'GET' }));
  });

  it('throws an ApiError carrying the status and the detail of an error response', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ detail: 'Unknown fault type "coil_melt"' }, 422)));

    const error = await captureApiError(getJson('/api/faults', decodeName));

    expect(error.status).toBe(422);
    expect(error.detail).toBe('Unknown fault type "coil_melt"');
    expect(error.message).toBe('Unknown fault type "coil_melt" (HTTP 422)');
    expect(error.isClientError).toBe(true);
  });

  it('turns an unreachable server into an ApiError without a status', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));

    const error = await captureApiError(getJson('/api/health', decodeName));

    expect(error.status).toBe(NO_RESPONSE);
    expect(error.message).toBe('Cannot reach the server (Failed to fetch)');
  });

  it('reports a body of the wrong shape instead of returning it', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ name: 42 })));

    const error = await captureApiError(getJson('/api/thing', decodeName));

    expect(error.detail).toBe('Unexpected response from /api/thing: field "name" should be a string');
  });
});

describe('readErrorDetail', () => {
  it('joins FastAPI validation issues with their locations', () => {
    const body = JSON.stringify({
      detail: [
        { loc: ['body', 'severity'], msg: 'Input should be less than or equal to 1', type: 'less_than_equal' },
        { loc: ['body', 'rows'], msg: 'Field required', type: 'missing' },
      ],
    });

    expect(readErrorDetail(body, 'Unprocessable Entity')).toBe(
      'body.severity: Input should be less than or equal to 1; body.rows: Field required',
    );
  });

  it('falls back to the plain text of a non-JSON body', () => {
    expect(readErrorDetail('Bad Gateway from proxy\n', 'Bad Gateway')).toBe('Bad Gateway from proxy');
  });

  it('falls back to the status text of an empty body', () => {
    expect(readErrorDetail('', 'Service Unavailable')).toBe('Service Unavailable');
  });
});

describe('isNotFound', () => {
  it('is the one rule for "not on this server": a 404, as an ApiError or as a bare status', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ detail: 'no live machine on this server (SIM_LIVE=false)' }, 404)));
    const missing = await captureApiError(getJson('/api/machine', decodeName));

    expect(isNotFound(missing)).toBe(true);
    expect(isNotFound(404)).toBe(true);
    expect(isNotFound(new ApiError('/api/machine', 503, 'Database unavailable'))).toBe(false);
    expect(isNotFound(new ApiError('/api/machine', NO_RESPONSE, 'Cannot reach the server'))).toBe(false);
    expect(isNotFound(200)).toBe(false);
    expect(isNotFound(new Error('404'))).toBe(false);
    expect(isNotFound(null)).toBe(false);
  });
});
