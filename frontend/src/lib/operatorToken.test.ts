import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, stubFetch } from '../test/fetchMock';
import { ApiError, expectRecord, expectString, getJson, sendJson } from './api';
import {
  OPERATOR_TOKEN_STORAGE_KEY,
  setOperatorTokenPrompt,
  storedOperatorToken,
  storeOperatorToken,
  TOKEN_PROMPT_CANCELLED,
  type TokenChallenge,
} from './operatorToken';

const decodeState = (raw: unknown) => ({ state: expectString(expectRecord(raw), 'state') });

const REFUSAL = "operator token required: send 'Authorization: Bearer <SIM_OPERATOR_TOKEN>'";

/** A server with operator token `secret`: change requests without it get 401, as the backend answers. */
function serverWithToken(token = 'secret') {
  return stubFetch((_input, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (init?.method !== 'GET' && headers.get('Authorization') !== `Bearer ${token}`) {
      return Promise.resolve(jsonResponse({ detail: REFUSAL }, 401));
    }
    return Promise.resolve(jsonResponse({ state: 'IDLE' }));
  });
}

function authorizationOf(call: readonly [RequestInfo | URL, (RequestInit | undefined)?]): string | null {
  return new Headers(call[1]?.headers).get('Authorization');
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

let unregister: (() => void) | null = null;
function registerPrompt(prompt: (challenge: TokenChallenge) => Promise<boolean>) {
  const spy = vi.fn(prompt);
  unregister = setOperatorTokenPrompt(spy);
  return spy;
}

afterEach(() => {
  unregister?.();
  unregister = null;
  storeOperatorToken(null);
  sessionStorage.clear();
});

describe('operator token in the API client', () => {
  it('sends the token of this tab with every change request, never with reads', async () => {
    sessionStorage.setItem(OPERATOR_TOKEN_STORAGE_KEY, 'secret');
    const fetchMock = serverWithToken();

    await expect(sendJson('POST', '/api/machine/start', undefined, decodeState)).resolves.toEqual({ state: 'IDLE' });
    await getJson('/api/machine', decodeState);

    expect(authorizationOf(fetchMock.mock.calls[0] ?? [''])).toBe('Bearer secret');
    expect(authorizationOf(fetchMock.mock.calls[1] ?? [''])).toBeNull();
  });

  it('without a prompt a 401 fails like any refusal, with the server’s message', async () => {
    serverWithToken();

    const error = await failureOf(sendJson('POST', '/api/machine/start', undefined, decodeState));

    expect(error.status).toBe(401);
    expect(error.detail).toBe(REFUSAL);
  });

  it('asks for the token on a 401, reports a wrong one back, sends once per token and keeps the right one', async () => {
    const fetchMock = serverWithToken();
    const refusals: (string | null)[] = [];
    const prompt = registerPrompt(async (challenge) => {
      refusals.push(await challenge.submit('wrong'));
      refusals.push(await challenge.submit('secret'));
      return true;
    });

    const result = await sendJson('POST', '/api/faults', { type: 'x' }, decodeState);

    expect(result).toEqual({ state: 'IDLE' });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(prompt.mock.calls[0]?.[0]).toMatchObject({
      message: REFUSAL,
      action: 'POST /api/faults',
      storedTokenRefused: false,
    });
    expect(refusals).toEqual([REFUSAL, null]);
    expect(fetchMock.mock.calls.map(authorizationOf)).toEqual([null, 'Bearer wrong', 'Bearer secret']);
    // The body goes with every try.
    expect(fetchMock.mock.calls.map((call) => call[1]?.body)).toEqual([
      '{"type":"x"}',
      '{"type":"x"}',
      '{"type":"x"}',
    ]);
    expect(sessionStorage.getItem(OPERATOR_TOKEN_STORAGE_KEY)).toBe('secret');

    // The next change goes with the token at once.
    await sendJson('POST', '/api/machine/stop', undefined, decodeState);
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(authorizationOf(fetchMock.mock.calls[3] ?? [''])).toBe('Bearer secret');
  });

  it('a cancelled prompt leaves the request failed with a readable message', async () => {
    const fetchMock = serverWithToken();
    registerPrompt(() => Promise.resolve(false));

    const error = await failureOf(sendJson('POST', '/api/machine/start', undefined, decodeState));

    expect(error.status).toBe(401);
    expect(error.detail).toBe(TOKEN_PROMPT_CANCELLED);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(storedOperatorToken()).toBeNull();
  });

  it('forgets a stored token the server refuses and says so to the prompt', async () => {
    storeOperatorToken('old');
    serverWithToken('new');
    const prompt = registerPrompt(async (challenge) => (await challenge.submit('new')) === null);

    await sendJson('POST', '/api/machine/start', undefined, decodeState);

    expect(prompt.mock.calls[0]?.[0].storedTokenRefused).toBe(true);
    expect(storedOperatorToken()).toBe('new');
  });

  it('a refusal other than the token (409) after the token is the request’s answer; the token is kept', async () => {
    stubFetch((_input, init?: RequestInit) => {
      const authorized = new Headers(init?.headers).get('Authorization') === 'Bearer secret';
      return Promise.resolve(
        authorized
          ? jsonResponse({ detail: 'machine is already running' }, 409)
          : jsonResponse({ detail: REFUSAL }, 401),
      );
    });
    registerPrompt(async (challenge) => (await challenge.submit('secret')) === null);

    const error = await failureOf(sendJson('POST', '/api/machine/start', undefined, decodeState));

    expect(error.status).toBe(409);
    expect(error.detail).toBe('machine is already running');
    expect(storedOperatorToken()).toBe('secret');
  });

  it('two changes refused at once open one prompt; the second goes with the token the first got', async () => {
    const fetchMock = serverWithToken();
    const prompt = registerPrompt(async (challenge) => (await challenge.submit('secret')) === null);

    const both = await Promise.all([
      sendJson('POST', '/api/machine/start', undefined, decodeState),
      sendJson('DELETE', '/api/faults/3', undefined, decodeState),
    ]);

    expect(both).toEqual([{ state: 'IDLE' }, { state: 'IDLE' }]);
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls.map(authorizationOf)).toEqual([null, null, 'Bearer secret', 'Bearer secret']);
  });

  it('an unreachable server during the retry rejects the submit (the prompt shows it)', async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1 ? Promise.resolve(jsonResponse({ detail: REFUSAL }, 401)) : Promise.reject(new TypeError('Failed to fetch'));
    });
    const seen: string[] = [];
    registerPrompt(async (challenge) => {
      await challenge.submit('secret').catch((error: unknown) => {
        seen.push(error instanceof ApiError ? error.detail : String(error));
      });
      return false;
    });

    const error = await failureOf(sendJson('POST', '/api/machine/start', undefined, decodeState));

    expect(seen).toEqual(['Cannot reach the server (Failed to fetch)']);
    expect(error.detail).toBe(TOKEN_PROMPT_CANCELLED);
    expect(storedOperatorToken()).toBeNull();
  });
});
