/**
 * @module server/db/supervised-client — a postgres.js client that cannot stay wedged after a database outage.
 *
 * postgres.js 3.4 can leave queries pending forever when connections fail while the server is down or starting up
 * (porsager/postgres#1193, #708): measured here, a pool of 10 under 40 queries/s through a 5 s stop kept 9 queries
 * pending for good after the server was back, and with them every caller (webhooks timed out, rows stayed
 * 'sending'). Bun.SQL does not have the fault, but the design card names postgres.js; so the pool is supervised:
 *
 * - every `unsafe` query and `begin` transaction issued through the client is tracked with its start time;
 * - once a second, if any has been pending for `stuckAfterMs` (`afterOutageMs` within a minute of a connection
 *   error, when the fault is known to strike), a separate one-off connection asks the server
 *   (pg_stat_activity) whether any of our sessions has really been busy that long. If the server answers and
 *   says no, the pending queries are not running anywhere: the pool is replaced by a fresh one, every query still
 *   pending on the old one is rejected with a connection error (`unavailable`, so callers retry it as they retry an
 *   outage), and the old pool is ended at once, so none of them runs later behind a newer write.
 * - if the server does not answer, nothing is done: it is down, and callers are already failing fast.
 */
import type { Options, PendingQuery, Sql } from 'postgres';
import { isUnavailable } from './unavailable';

type AnySql = Sql<Record<string, unknown>>;
type Make = (overrides?: Partial<Options<Record<string, never>>>) => AnySql;

/** The application_name our pool's sessions carry, so the watchdog can find them in pg_stat_activity. */
export const APPLICATION_NAME = 'wasap';

/** A pending query abandoned with its wedged pool; callers treat it as a dropped connection. */
export class PoolReplacedError extends Error {
  readonly code = 'CONNECTION_DESTROYED' as const;
  readonly unavailable = true;
  constructor() {
    super('The database connection pool was wedged and has been replaced; retry the query.');
    this.name = 'PoolReplacedError';
  }
}

interface Tracked {
  startedAt: number;
  reject: (error: unknown) => void;
}

interface Generation {
  sql: AnySql;
  inflight: Set<Tracked>;
}

export interface SupervisorOptions {
  /** A query pending this long makes the watchdog ask the server (default 10,000 ms). */
  stuckAfterMs?: number;
  /** The same within a minute of a connection error, when postgres.js is known to wedge (default 2,000 ms). */
  afterOutageMs?: number;
  /** How often the watchdog looks (default 1,000 ms; 0 disables the timer — tests call check()). */
  checkEveryMs?: number;
  /** Told after a wedged pool was replaced, with how many pending queries were abandoned. */
  onReplaced?: (abandoned: number) => void;
}

export interface SupervisedClient {
  /** Use in place of the postgres.js client (drizzle takes it as `client`). */
  readonly client: AnySql;
  /** One watchdog pass; resolves true when the pool was replaced. */
  check(): Promise<boolean>;
  /** Stops the watchdog and ends the pool (waiting at most `timeoutS` seconds for queries). */
  end(timeoutS?: number): Promise<void>;
  stats(): { replacements: number; inflight: number };
}

/** `make()` builds a pool; `make({ max: 1, ... })` the watchdog's one-off probe connection. */
export function superviseClient(make: Make, options: SupervisorOptions = {}): SupervisedClient {
  const stuckAfterMs = options.stuckAfterMs ?? 10_000;
  const afterOutageMs = options.afterOutageMs ?? 2000;
  let lastOutageAt = -Infinity;
  let current: Generation = { sql: make(), inflight: new Set() };
  let replacements = 0;
  let checking: Promise<boolean> | undefined;

  function track<T>(gen: Generation, run: () => PromiseLike<T>): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const entry: Tracked = { startedAt: performance.now(), reject };
    gen.inflight.add(entry);
    Promise.resolve()
      .then(run)
      .then(resolve, (error: unknown) => {
        if (isUnavailable(error)) lastOutageAt = performance.now();
        reject(error);
      })
      .finally(() => gen.inflight.delete(entry));
    return promise;
  }

  /** postgres.js queries are lazy and `.values()` changes what they return: run only once awaited. */
  function lazyQuery(gen: Generation, query: PendingQuery<Record<string, unknown>[]>) {
    let values = false;
    const handle = {
      values() {
        values = true;
        return handle;
      },
      then<A, B>(onFulfilled?: (v: unknown) => A | PromiseLike<A>, onRejected?: (e: unknown) => B | PromiseLike<B>) {
        return track<unknown>(gen, () => (values ? query.values() : query) as PromiseLike<unknown>).then(onFulfilled, onRejected);
      },
    };
    return handle;
  }

  const client = new Proxy(current.sql, {
    apply(_target, thisArg, args) {
      return Reflect.apply(current.sql, thisArg, args);
    },
    get(_target, property) {
      const gen = current;
      const value = Reflect.get(gen.sql, property, gen.sql);
      if (property === 'unsafe') {
        return (...args: Parameters<AnySql['unsafe']>) => lazyQuery(gen, (value as AnySql['unsafe']).apply(gen.sql, args));
      }
      if (property === 'begin') return (...args: unknown[]) => track(gen, () => (value as (...a: unknown[]) => Promise<unknown>).apply(gen.sql, args));
      return typeof value === 'function' ? value.bind(gen.sql) : value;
    },
  }) as AnySql;

  function threshold(): number {
    return performance.now() - lastOutageAt < 60_000 ? afterOutageMs : stuckAfterMs;
  }

  /** How many of our sessions the server has seen busy for at least `thresholdMs`; null when it does not answer. */
  async function busyOnServer(thresholdMs: number): Promise<number | null> {
    const probe = make({ max: 1, connect_timeout: 2, idle_timeout: 1, connection: { application_name: `${APPLICATION_NAME}-probe` } });
    try {
      const timeout = new Promise<null>((resolve) => setTimeout(resolve, 2000, null));
      const query = probe<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
        where application_name = ${APPLICATION_NAME} and state <> 'idle'
          and coalesce(xact_start, query_start) < now() - make_interval(secs => ${thresholdMs / 1000})`.then((rows) => rows[0]?.n ?? 0);
      return await Promise.race([query, timeout]);
    } catch {
      return null;
    } finally {
      void probe.end({ timeout: 0 }).catch(() => {});
    }
  }

  /**
   * Replaces a wedged pool: every query still pending on it is rejected (a dropped connection, retried by its
   * caller) and the old pool is ended at once — `timeout: 0` — so none of them runs later behind a newer write.
   * Returns how many were abandoned.
   */
  function replace(): number {
    const old = current;
    const fresh: Generation = { sql: make(), inflight: new Set() };
    // drizzle set its type parsers on the first pool's options; the new pool must read values the same way.
    Object.assign(fresh.sql.options.parsers, old.sql.options.parsers);
    Object.assign(fresh.sql.options.serializers, old.sql.options.serializers);
    current = fresh;
    replacements++;
    const abandoned = old.inflight.size;
    for (const entry of old.inflight) entry.reject(new PoolReplacedError());
    old.inflight.clear();
    // end() itself can hang on a pool that lost a connection mid-query (porsager/postgres#1097): not awaited.
    void old.sql.end({ timeout: 0 }).catch(() => {});
    return abandoned;
  }

  /**
   * One look: a query pending past the threshold, and the server asked whether any of our sessions is really that
   * busy; if none is, the pool is wedged and replaced.
   */
  async function pass(): Promise<boolean> {
    const thresholdMs = threshold();
    const cutoff = performance.now() - thresholdMs;
    if (![...current.inflight].some((entry) => entry.startedAt <= cutoff)) return false;
    const busy = await busyOnServer(thresholdMs);
    if (busy === null || busy > 0) return false;
    // Not inside `onReplaced?.(…)`: optional chaining would skip the call's arguments when no callback is set.
    const abandoned = replace();
    options.onReplaced?.(abandoned);
    return true;
  }

  function check(): Promise<boolean> {
    checking ??= pass().finally(() => (checking = undefined));
    return checking;
  }

  const timer = (options.checkEveryMs ?? 1000) > 0 ? setInterval(() => void check(), options.checkEveryMs ?? 1000) : undefined;
  timer?.unref();

  return {
    client,
    check,
    async end(timeoutS = 5) {
      clearInterval(timer);
      // end() itself can hang on a pool that lost a connection mid-query (porsager/postgres#1097): bounded here.
      const hung = new Promise<void>((resolve) => setTimeout(resolve, (timeoutS + 1) * 1000).unref());
      await Promise.race([current.sql.end({ timeout: timeoutS }), hung]);
    },
    stats: () => ({ replacements, inflight: current.inflight.size }),
  };
}
