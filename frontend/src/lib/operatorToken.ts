/**
 * The operator token (`SIM_OPERATOR_TOKEN` on the server): what the API client sends as
 * `Authorization: Bearer <token>` with every change request, kept for the browser tab in
 * `sessionStorage`, and the prompt that asks the operator for it when the server answers 401.
 *
 * No React here: the dialog (`lib/ui/OperatorTokenDialog`) registers itself as the prompt with
 * {@link setOperatorTokenPrompt}; without a registered prompt a 401 is an ordinary failed request.
 */

export const OPERATOR_TOKEN_STORAGE_KEY = 'induction-sim.operator-token';

/** The status the server answers a change request with when the token is missing or wrong. */
export const HTTP_UNAUTHORIZED = 401;

function tokenStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    // Storage can be switched off (privacy settings): the token then lives for this page only.
    return null;
  }
}

let tokenInMemory: string | null = null;

/** The token given in this tab, or null. */
export function storedOperatorToken(): string | null {
  const storage = tokenStorage();
  if (!storage) return tokenInMemory;
  try {
    return storage.getItem(OPERATOR_TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return tokenInMemory;
  }
}

/** Keeps `token` for this tab (sessionStorage), or forgets it (`null`). */
export function storeOperatorToken(token: string | null): void {
  tokenInMemory = token;
  const storage = tokenStorage();
  if (!storage) return;
  try {
    if (token === null) storage.removeItem(OPERATOR_TOKEN_STORAGE_KEY);
    else storage.setItem(OPERATOR_TOKEN_STORAGE_KEY, token);
  } catch {
    // Quota or a disabled storage: the in-memory copy above still serves this page.
  }
}

/** What the prompt is asked: the refused request and a way to try it again with a token. */
export interface TokenChallenge {
  /** The server's answer to the request (its `detail`, "operator token required: …"). */
  message: string;
  /** The refused request, e.g. `POST /api/faults`. */
  action: string;
  /** True when the token this tab had was refused (the server's token changed). */
  storedTokenRefused: boolean;
  /**
   * Sends the request once more with `token`: resolves `null` when the server took the token (the
   * request is done, whatever its answer), or the server's message when it refused the token
   * again. Rejects when the server cannot be reached.
   */
  submit: (token: string) => Promise<string | null>;
}

/** Asks for the token; resolves `true` once a `submit` was accepted, `false` when the operator cancelled. */
export type TokenPrompt = (challenge: TokenChallenge) => Promise<boolean>;

let currentPrompt: TokenPrompt | null = null;

/** Registers the prompt (one at a time); returns the function that unregisters it. */
export function setOperatorTokenPrompt(prompt: TokenPrompt): () => void {
  currentPrompt = prompt;
  return () => {
    if (currentPrompt === prompt) currentPrompt = null;
  };
}

export function operatorTokenPrompt(): TokenPrompt | null {
  return currentPrompt;
}

let promptQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` after every earlier one has finished, so two refused requests never open two dialogs
 * at once (the second sees the token the first one got).
 */
export function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = promptQueue.then(task, task);
  promptQueue = result.catch(() => undefined);
  return result;
}

/** `Authorization` for `token`, added to the request's other headers. */
export function withOperatorToken(headers: Record<string, string>, token: string | null): Record<string, string> {
  return token === null ? headers : { ...headers, Authorization: `Bearer ${token}` };
}

/** The detail of a request refused because the operator cancelled the token prompt. */
export const TOKEN_PROMPT_CANCELLED = 'operator token not entered (this server accepts changes only with it)';
