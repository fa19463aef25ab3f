/**
 * Typed client for the simulator's REST API.
 *
 * Every failure — an HTTP error, an unreachable server, a body of the wrong shape — surfaces as an
 * {@link ApiError} that carries the HTTP status (0 when no response arrived) and a readable `detail`
 * taken from the backend's `{"detail": ...}` error body. Change requests carry the operator token
 * (see `./operatorToken` and {@link sendJson}).
 */
import {
  HTTP_UNAUTHORIZED,
  oneAtATime,
  operatorTokenPrompt,
  storedOperatorToken,
  storeOperatorToken,
  TOKEN_PROMPT_CANCELLED,
  withOperatorToken,
} from './operatorToken';
import type { components } from './apiTypes';

/**
 * A model of the API by its name in the OpenAPI schema (`ApiSchema<'JobView'>`). The types are
 * generated from the server's schema (`frontend/openapi.json` → `src/lib/apiTypes.ts`, `make
 * api-types`), never copied by hand; the decoders still check at run time that what arrives fits.
 */
export type ApiSchema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** Status used when no HTTP response arrived at all (server down, network error). */
export const NO_RESPONSE = 0;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly detail: string;
  readonly path: string;

  constructor(path: string, status: number, detail: string) {
    super(status === NO_RESPONSE ? detail : `${detail} (HTTP ${String(status)})`);
    this.path = path;
    this.status = status;
    this.detail = detail;
  }

  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** "Not on this server": an endpoint this server does not have, or a thing it does not know. */
const HTTP_NOT_FOUND = 404;

/**
 * The one rule for "not on this server": a 404, as an {@link ApiError} or as a bare HTTP status
 * (the stream's probe). A server without a live machine (`SIM_LIVE=false`) answers its endpoints
 * so, and the dashboard shows that quietly instead of an error.
 */
export function isNotFound(errorOrStatus: unknown): boolean {
  if (typeof errorOrStatus === 'number') return errorOrStatus === HTTP_NOT_FOUND;
  return errorOrStatus instanceof ApiError && errorOrStatus.status === HTTP_NOT_FOUND;
}

/** Turns untyped JSON into a typed value, or throws an `Error` naming what is wrong. */
export type Decoder<T> = (raw: unknown) => T;

export interface RequestOptions {
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FastAPI validation errors: `[{"loc": ["body", "rows"], "msg": "..."}]` → `"body.rows: ..."`. */
function describeValidationIssue(issue: unknown): string {
  if (!isRecord(issue)) return JSON.stringify(issue);
  const message = typeof issue.msg === 'string' ? issue.msg : JSON.stringify(issue);
  const location = Array.isArray(issue.loc) ? issue.loc.map(String).join('.') : '';
  return location ? `${location}: ${message}` : message;
}

/**
 * The readable part of an error body. Accepts `{"detail": "text"}`, FastAPI's list of validation
 * issues, or anything else (falls back to the raw text, then to the status text).
 */
export function readErrorDetail(bodyText: string, statusText: string): string {
  const fallback = bodyText.trim() || statusText || 'Request failed';
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return fallback;
  }
  if (!isRecord(body) || !('detail' in body)) return fallback;
  const { detail } = body;
  if (typeof detail === 'string' && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) return detail.map(describeValidationIssue).join('; ');
  return fallback;
}

function describeNetworkFailure(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `Cannot reach the server (${reason})`;
}

/** One `fetch`; a network failure becomes an ApiError without a status, an HTTP error is returned as is. */
async function fetchOnce(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(path, NO_RESPONSE, describeNetworkFailure(error));
  }
}

async function responseDetail(response: Response): Promise<string> {
  const bodyText = await response.text().catch(() => '');
  return readErrorDetail(bodyText, response.statusText);
}

async function throwUnlessOk(path: string, response: Response): Promise<Response> {
  if (!response.ok) throw new ApiError(path, response.status, await responseDetail(response));
  return response;
}

async function request(path: string, init: RequestInit): Promise<Response> {
  return throwUnlessOk(path, await fetchOnce(path, init));
}

/**
 * A change request with the operator token: sent with `Authorization: Bearer <token>` when this tab
 * has one. A 401 (no token, or a wrong one) asks the operator through the registered prompt, which
 * sends the request once more per token entered; a token the server refuses is reported back to the
 * prompt (its message shown there), an accepted one is kept for the tab. Cancelling leaves the
 * request failed with {@link TOKEN_PROMPT_CANCELLED}. Without a prompt a 401 fails as any 4xx does.
 */
async function requestWithOperatorToken(
  path: string,
  method: WriteMethod,
  headers: Record<string, string>,
  init: RequestInit,
): Promise<Response> {
  const attempt = (token: string | null) =>
    fetchOnce(path, { ...init, method, headers: withOperatorToken(headers, token) });
  const sentToken = storedOperatorToken();
  const first = await attempt(sentToken);
  const prompt = operatorTokenPrompt();
  if (first.status !== HTTP_UNAUTHORIZED || !prompt) return throwUnlessOk(path, first);
  const message = await responseDetail(first);

  const answer = await oneAtATime(async () => {
    // A token entered for another request meanwhile is tried before asking again.
    const current = storedOperatorToken();
    if (current !== null && current !== sentToken) {
      const again = await attempt(current);
      if (again.status !== HTTP_UNAUTHORIZED) return again;
    }
    const refused = storedOperatorToken();
    if (refused !== null) storeOperatorToken(null);
    const accepted: { response: Response | null } = { response: null };
    const given = await prompt({
      message,
      action: `${method} ${path}`,
      storedTokenRefused: refused !== null,
      submit: async (token) => {
        const response = await attempt(token);
        if (response.status === HTTP_UNAUTHORIZED) return responseDetail(response);
        storeOperatorToken(token);
        accepted.response = response;
        return null;
      },
    });
    return given ? accepted.response : null;
  });
  if (answer === null) throw new ApiError(path, HTTP_UNAUTHORIZED, TOKEN_PROMPT_CANCELLED);
  return throwUnlessOk(path, answer);
}

/** `GET path`, parsed as JSON and checked by `decode`. */
export async function getJson<T>(path: string, decode: Decoder<T>, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, {
    method: 'GET',
    headers: { Accept: 'application/json' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ApiError(path, response.status, `Response from ${path} is not JSON`);
  }
  try {
    return decode(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(path, response.status, `Unexpected response from ${path}: ${reason}`);
  }
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A request that changes something (`POST`, `DELETE`, …): `body` is sent as JSON when given, the
 * answer is parsed as JSON and checked by `decode`. Failures are {@link ApiError}s as for `getJson`
 * (a 409's `detail`, such as "machine is already running", is the message to show).
 * The operator token goes with it; a 401 asks for the token (see `requestWithOperatorToken`).
 */
export async function sendJson<T>(
  method: WriteMethod,
  path: string,
  body: unknown,
  decode: Decoder<T>,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> =
    body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' };
  const response = await requestWithOperatorToken(path, method, headers, {
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ApiError(path, response.status, `Response from ${path} is not JSON`);
  }
  try {
    return decode(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(path, response.status, `Unexpected response from ${path}: ${reason}`);
  }
}

/** The text to show for a failed request: the server's `detail` for an ApiError, else the message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/** "refused" when the server said no to the request (4xx), "failed" otherwise (5xx, no answer). */
export function failureVerb(error: unknown): 'refused' | 'failed' {
  return error instanceof ApiError && error.isClientError ? 'refused' : 'failed';
}

/** Small helpers for decoders: read one field of a JSON object with its expected type. */
export function expectRecord(raw: unknown): Record<string, unknown> {
  if (!isRecord(raw)) throw new Error('expected a JSON object');
  return raw;
}

export function expectString(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new Error(`field "${key}" should be a string`);
  return value;
}

export function expectOneOf<const T extends string>(
  record: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T {
  const value = expectString(record, key);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new Error(`field "${key}" should be one of ${allowed.join(', ')}`);
  return match;
}
