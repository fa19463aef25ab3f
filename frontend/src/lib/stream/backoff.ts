/** Exponential back-off for reconnecting after the browser gave up on the stream. */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, factor: 2, maxMs: 30_000 };

/** Delay before retry number `attempt` (1 = the first retry): 1 s, 2 s, 4 s, … capped at 30 s. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
}
