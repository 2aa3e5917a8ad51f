/** @module actors/runtime/backoff — exponential retry delays with jitter, shared by the registry and the outbox */

export interface BackoffOptions {
  /** Delay ceiling for the first retry. */
  baseMs?: number;
  /** No delay ever exceeds this. */
  capMs?: number;
  /** Injectable for deterministic tests; must return a number in [0, 1). */
  random?: () => number;
}

/**
 * Returns `attempt → delay` where attempt 1 is the first retry. The ceiling doubles per attempt
 * (`baseMs * 2^(attempt-1)`, capped at `capMs`); the delay is drawn from the upper half of the
 * ceiling ("equal jitter") so retries of many actors spread out yet never retry immediately.
 */
export function exponentialBackoff(options: BackoffOptions = {}): (attempt: number) => number {
  const { baseMs = 100, capMs = 5_000, random = Math.random } = options;
  return function backoffDelay(attempt: number): number {
    const exponent = Math.max(0, attempt - 1);
    const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
}
