/** @module server/auth/throttle — failed sign-ins per account and per IP in a sliding window, kept in memory. */

export interface ThrottleLimit {
  limit: number;
  windowMs: number;
}

export interface ThrottleOptions {
  perAccount?: ThrottleLimit;
  perIp?: ThrottleLimit;
  /** Milliseconds since the epoch; tests move it by hand. */
  now?: () => number;
  /** Keys kept per window before old ones are dropped, so an IP spray cannot grow memory without bound. */
  maxKeys?: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; scope: 'account' | 'ip'; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Before checking a password: is this account or this address locked out for now? */
  check(account: string, ip: string): ThrottleVerdict;
  recordFailure(account: string, ip: string): void;
  /** A correct password clears the account's failures (not the address's: one IP may try many accounts). */
  recordSuccess(account: string): void;
}

export const DEFAULT_ACCOUNT_LIMIT: ThrottleLimit = { limit: 5, windowMs: 15 * 60_000 };
export const DEFAULT_IP_LIMIT: ThrottleLimit = { limit: 20, windowMs: 15 * 60_000 };

interface SlidingWindow {
  /** Milliseconds until one more attempt is allowed, 0 when allowed now. */
  waitMs(key: string): number;
  add(key: string): void;
  clear(key: string): void;
}

function slidingWindow({ limit, windowMs }: ThrottleLimit, now: () => number, maxKeys: number): SlidingWindow {
  const hits = new Map<string, number[]>();

  function recent(key: string): number[] {
    const since = now() - windowMs;
    const kept = (hits.get(key) ?? []).filter((at) => at > since);
    if (kept.length === 0) hits.delete(key);
    else hits.set(key, kept);
    return kept;
  }

  function shrink() {
    for (const key of [...hits.keys()]) recent(key);
    // Map iteration is insertion order: the keys dropped first are the ones written longest ago.
    for (const key of hits.keys()) {
      if (hits.size <= maxKeys) break;
      hits.delete(key);
    }
  }

  return {
    waitMs: function waitMs(key) {
      const list = recent(key);
      if (list.length < limit) return 0;
      return list[list.length - limit]! + windowMs - now();
    },
    add: function add(key) {
      const list = recent(key);
      hits.delete(key);
      hits.set(key, [...list, now()].slice(-limit));
      if (hits.size > maxKeys) shrink();
    },
    clear: function clear(key) {
      hits.delete(key);
    },
  };
}

export function createLoginThrottle(options: ThrottleOptions = {}): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const accounts = slidingWindow(options.perAccount ?? DEFAULT_ACCOUNT_LIMIT, now, maxKeys);
  const addresses = slidingWindow(options.perIp ?? DEFAULT_IP_LIMIT, now, maxKeys);
  const accountKey = (account: string) => account.trim().toLowerCase();

  return {
    check: function check(account, ip) {
      const byAccount = accounts.waitMs(accountKey(account));
      if (byAccount > 0) return { allowed: false, scope: 'account', retryAfterSeconds: Math.ceil(byAccount / 1000) };
      const byIp = addresses.waitMs(ip);
      if (byIp > 0) return { allowed: false, scope: 'ip', retryAfterSeconds: Math.ceil(byIp / 1000) };
      return { allowed: true };
    },
    recordFailure: function recordFailure(account, ip) {
      accounts.add(accountKey(account));
      addresses.add(ip);
    },
    recordSuccess: function recordSuccess(account) {
      accounts.clear(accountKey(account));
    },
  };
}
