/**
 * @module server/forms/shared-rate-limit — the sliding-window limiter of server/forms/rate-limit, kept in Postgres so
 * that a limit holds across every process of one install (DATABASE_URL). One row per allowed hit in `rate_limit_hits`
 * (bucket, SHA-256 of the key, the database's clock); each hit is one transaction holding an advisory lock on its
 * bucket and key, so concurrent hits from several processes are counted exactly. `limiters` picks this one or the
 * in-memory one (PGlite, one process; tests that move an injected clock).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { createRateLimiter, type Limiter, type RateDecision, type RateLimit } from './rate-limit';

/** Arbitrary, fixed: the first key of the two-key advisory locks of one bucket and key (server/services use others). */
const HIT_LOCK_CLASS = 0x52_4c_48;
/** One hit in this many also deletes the bucket's rows that left the window, for keys never hit again. */
const CLEANUP_ONE_IN = 100;
/** Rows one cleanup deletes at most (a short statement; the next cleanup takes the rest). */
const CLEANUP_BATCH = 5_000;

export interface SharedLimiterOptions {
  /** Draws the cleanup lottery (default Math.random; tests force it). */
  random?: () => number;
  /** Told when the background cleanup failed (it is retried by a later hit). */
  onCleanupError?: (error: unknown) => void;
}

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * A limiter of `rule` for `bucket` (a fixed name such as `form.ip`; different limits use different buckets) on the
 * shared database. `hit` resolves like the in-memory limiter's: a refused hit is not counted, and `retryAfterSec`
 * (≥ 1) is when the oldest counted hit leaves the window, by the database's clock.
 * @throws whatever the database throws when it is unavailable (the hit is then neither counted nor decided)
 */
export function createSharedRateLimiter(db: Db, bucket: string, rule: RateLimit, options: SharedLimiterOptions = {}): Limiter {
  const random = options.random ?? Math.random;
  const window = sql`make_interval(secs => ${rule.windowMs / 1000}::float8)`;

  function cleanup(): void {
    void db
      .execute(sql`delete from rate_limit_hits where id in (select id from rate_limit_hits where bucket = ${bucket} and at <= clock_timestamp() - ${window} limit ${CLEANUP_BATCH})`)
      .catch((error: unknown) => options.onCleanupError?.(error));
  }

  async function hit(key: string): Promise<RateDecision> {
    const keyHash = hashOf(key);
    const decision = await db.transaction(async function countHit(tx) {
      await tx.execute(sql`select pg_advisory_xact_lock(${HIT_LOCK_CLASS}::int4, hashtext(${`${bucket}\n${keyHash}`}))`);
      // The clock is read after the lock: a hit that waited for another is timed when it is counted.
      await tx.execute(sql`delete from rate_limit_hits where bucket = ${bucket} and key_hash = ${keyHash} and at <= clock_timestamp() - ${window}`);
      const [recent] = rowsOf<{ n: number | string; wait_ms: number | string | null }>(
        await tx.execute(sql`select count(*)::int as n, extract(epoch from (min(at) + ${window} - clock_timestamp())) * 1000 as wait_ms
          from (select at from rate_limit_hits where bucket = ${bucket} and key_hash = ${keyHash} order by at desc limit ${rule.limit}) as counted`),
      );
      if (Number(recent?.n ?? 0) >= rule.limit) return { ok: false as const, retryAfterSec: Math.max(1, Math.ceil(Number(recent?.wait_ms ?? 0) / 1000)) };
      await tx.execute(sql`insert into rate_limit_hits (bucket, key_hash, at) values (${bucket}, ${keyHash}, clock_timestamp())`);
      return { ok: true as const };
    });
    if (random() * CLEANUP_ONE_IN < 1) cleanup();
    return decision;
  }

  return { hit };
}

export interface LimiterChoice {
  db: Db;
  /** True when the install may run several processes (Postgres, DATABASE_URL set): the limits are kept there. */
  shared: boolean;
  /** The in-memory limiters' clock (ms); the shared ones use the database's. */
  now?: () => number;
}

/**
 * A factory of one route file's limiters: shared ones on Postgres, in-memory ones otherwise. A shared limiter has an
 * in-memory one of the same rule in front: a key past the limit within this process alone is refused without a
 * database transaction, so a flood at one process costs the pool nothing (it counts the attempts it let through to
 * the shared count, refused there or not: a key hammering one process waits its window out here too).
 */
export function limiters(choice: LimiterChoice): (bucket: string, rule: RateLimit) => Limiter {
  return (bucket, rule) => {
    const local = createRateLimiter(rule, choice.now);
    if (!choice.shared) return local;
    const shared = createSharedRateLimiter(choice.db, bucket, rule);
    return {
      async hit(key) {
        const here = await local.hit(key);
        return here.ok ? shared.hit(key) : here;
      },
    };
  };
}
