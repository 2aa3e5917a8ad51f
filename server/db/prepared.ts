/**
 * @module server/db/prepared — makes drizzle's postgres.js queries prepared statements.
 *
 * drizzle-orm's postgres-js session calls `client.unsafe(text, params, { prepare: false })` for every query not
 * built with `.prepare(name)`. postgres.js then runs a parameterised statement in two round trips (Parse +
 * Describe to learn the parameter types, then Bind + Execute) and Postgres parses and plans it each time.
 * Prepared, a statement text is parsed once per connection and every later run is one Bind + Execute
 * round trip with a cached plan: on this machine 2–3× the queries per second at half the client CPU
 * (bench/ingest, and the figures in the README). Statements without parameters (migrations, DDL, several
 * commands in one text) keep postgres.js's unnamed one-round-trip path.
 */
import type { Sql } from 'postgres';

type UnsafeOptions = { prepare?: boolean } & Record<string, unknown>;
type AnySql = Sql<Record<string, unknown>>;

const WRAPPED = Symbol('wasap.prepared');

/**
 * `client` with `unsafe` preparing parameterised statements, also inside `begin` and `savepoint` scopes; with
 * `prepare` false, preparing none — not even a query drizzle built with `.prepare(name)`, which asks postgres.js for a
 * named statement itself (DATABASE_PREPARE=false is for poolers that cannot keep them).
 */
export function preparedStatements<T extends AnySql>(client: T, prepare = true): T {
  if ((client as unknown as Record<symbol, unknown>)[WRAPPED]) return client;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === WRAPPED) return true;
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') {
        return (text: string, params?: unknown[], options?: UnsafeOptions) =>
          (value as AnySql['unsafe']).call(target, text, params as never, !prepare ? { ...options, prepare: false } : params && params.length > 0 ? { ...options, prepare: true } : options);
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          // begin([options,] fn): the scope's own `sql` is wrapped the same way before drizzle sees it.
          const at = args.findIndex((arg) => typeof arg === 'function');
          if (at >= 0) {
            const fn = args[at] as (scoped: AnySql) => unknown;
            args[at] = (scoped: AnySql) => fn(preparedStatements(scoped, prepare));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
}
