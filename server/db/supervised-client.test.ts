/** @module server/db/supervised-client.test — a wedged postgres.js pool is replaced and its stuck queries released; a busy one is left alone. */
import { describe, expect, test } from 'bun:test';
import type { Sql } from 'postgres';
import { PoolReplacedError, superviseClient } from './supervised-client';

type AnySql = Sql<Record<string, unknown>>;

/** Stand-ins for postgres.js pools: `unsafe('hang')` never settles; the probe answers what `server` says. */
function fakes(server: { busy: number | 'down' }) {
  const pools: { ended: boolean; options: { parsers: Record<string, unknown>; serializers: Record<string, unknown> } }[] = [];
  function make(overrides?: { max?: number }): AnySql {
    if (overrides?.max === 1) {
      const probe = () => (server.busy === 'down' ? Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })) : Promise.resolve([{ n: server.busy }]));
      return Object.assign(probe, { end: () => Promise.resolve() }) as unknown as AnySql;
    }
    const pool = { ended: false, options: { parsers: {}, serializers: {} } };
    pools.push(pool);
    const index = pools.length;
    const query = (text: string) => ({
      values: () => query(text),
      then: (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) => (text === 'hang' ? new Promise(() => {}) : Promise.resolve([{ pool: index, text }])).then(ok, fail),
    });
    const sql = Object.assign(() => undefined, {
      unsafe: query,
      begin: (fn: (s: unknown) => unknown) => Promise.resolve(fn(sql)),
      options: pool.options,
      end: () => ((pool.ended = true), Promise.resolve()),
    });
    return sql as unknown as AnySql;
  }
  return { make, pools };
}

describe('superviseClient', () => {
  test('a query stuck while the server runs nothing of ours is rejected as a dropped connection, and a fresh pool takes over', async () => {
    const server = { busy: 0 as number | 'down' };
    const { make, pools } = fakes(server);
    const supervised = superviseClient(make, { stuckAfterMs: 0, checkEveryMs: 0 });
    pools[0]!.options.parsers['1184'] = 'drizzle parser';
    const stuck = supervised.client.unsafe('hang').then(
      () => 'settled',
      (e: unknown) => e,
    );
    await Promise.resolve();
    expect(await supervised.check()).toBe(true);
    const error = await stuck;
    expect(error).toBeInstanceOf(PoolReplacedError);
    expect(error).toMatchObject({ code: 'CONNECTION_DESTROYED', unavailable: true });
    expect(pools).toHaveLength(2);
    expect(pools[0]!.ended).toBe(true);
    expect(pools[1]!.options.parsers['1184']).toBe('drizzle parser');
    expect((await supervised.client.unsafe('select 1').values()) as unknown).toEqual([{ pool: 2, text: 'select 1' }]);
    expect(supervised.stats()).toEqual({ replacements: 1, inflight: 0 });
  });

  test('left alone while the server says one of our sessions really is that busy, or cannot be asked', async () => {
    const server = { busy: 1 as number | 'down' };
    const { make, pools } = fakes(server);
    const supervised = superviseClient(make, { stuckAfterMs: 0, checkEveryMs: 0 });
    void supervised.client.unsafe('hang').then(() => {});
    await Promise.resolve();
    expect(await supervised.check()).toBe(false);
    server.busy = 'down';
    expect(await supervised.check()).toBe(false);
    expect(pools).toHaveLength(1);
    expect(supervised.stats().inflight).toBe(1);
  });

  test('nothing pending long enough: no question is asked, nothing replaced', async () => {
    const { make, pools } = fakes({ busy: 0 });
    const supervised = superviseClient(make, { stuckAfterMs: 60_000, checkEveryMs: 0 });
    void supervised.client.unsafe('hang').then(() => {});
    expect(await supervised.check()).toBe(false);
    expect(pools).toHaveLength(1);
  });

  test('a transaction that never ends is released the same way', async () => {
    const { make } = fakes({ busy: 0 });
    const supervised = superviseClient(make, { stuckAfterMs: 0, checkEveryMs: 0 });
    const stuck = supervised.client.begin(() => new Promise(() => {})).catch((e: unknown) => e);
    await Promise.resolve();
    await supervised.check();
    expect(await stuck).toBeInstanceOf(PoolReplacedError);
  });
});
