/**
 * @module server/forms/rate-limit — an in-memory sliding-window limiter, keyed by form token or client IP, for one
 * process (PGlite). With several processes on one Postgres the routes use server/forms/shared-rate-limit instead.
 */

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number };

/** Either limiter as the routes use it: the in-memory one answers at once, the shared one after a transaction (await it). */
export interface Limiter {
  /** Counts one hit for the key when allowed; a refused hit is not counted, so waiting always helps. */
  hit(key: string): RateDecision | Promise<RateDecision>;
}

export interface RateLimiter extends Limiter {
  /** Counts one hit for the key when allowed; a refused hit is not counted, so waiting always helps. */
  hit(key: string): RateDecision;
  size(): number;
}

/**
 * Timestamps per key, oldest first. Memory is bounded: at most `maxKeys` keys (the least recently
 * used go first), each with at most `limit` timestamps. One process only: with several servers each
 * would keep its own count, so they use the shared limiter (server/forms/shared-rate-limit).
 */
export function createRateLimiter(rule: RateLimit, now: () => number = Date.now, maxKeys = 50_000): RateLimiter {
  const hits = new Map<string, number[]>();

  function recent(key: string, at: number): number[] {
    const times = (hits.get(key) ?? []).filter((t) => t > at - rule.windowMs);
    hits.delete(key);
    return times;
  }

  function evict(): void {
    for (const key of hits.keys()) {
      if (hits.size <= maxKeys) return;
      hits.delete(key);
    }
  }

  function hit(key: string): RateDecision {
    const at = now();
    const times = recent(key, at);
    hits.set(key, times);
    if (times.length >= rule.limit) {
      const retryAfterSec = Math.max(1, Math.ceil((times[0]! + rule.windowMs - at) / 1000));
      return { ok: false, retryAfterSec };
    }
    times.push(at);
    evict();
    return { ok: true };
  }

  return { hit, size: () => hits.size };
}
