/**
 * @module server/forms/shared-rate-limit.test — the limiter kept in Postgres: exact under concurrent hits from two
 * processes' pools, refusals say how long to wait, only hashes of keys are stored, old rows go. Needs TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client';
import { rowsOf } from '../db/rows';
import { freshPostgresUrl } from '../../test/support/db';
import { createSharedRateLimiter, limiters } from './shared-rate-limit';

const postgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

postgres('shared rate limiter on Postgres', () => {
  let fresh: { url: string; drop(): Promise<void> };
  let one: Database;
  let two: Database;

  beforeAll(async () => {
    fresh = await freshPostgresUrl();
    one = await openDatabase({ databaseUrl: fresh.url, maxConnections: 8 });
    await one.migrate();
    two = await openDatabase({ databaseUrl: fresh.url, maxConnections: 8 });
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await fresh?.drop();
  });

  const rows = async (bucket: string) => rowsOf<{ key_hash: string }>(await one.db.execute(sql`select key_hash from rate_limit_hits where bucket = ${bucket}`)).map((row) => row.key_hash);

  test('60 concurrent hits from two pools on one key admit exactly the limit', async () => {
    const rule = { limit: 7, windowMs: 60_000 };
    const a = createSharedRateLimiter(one.db, 'test.race', rule);
    const b = createSharedRateLimiter(two.db, 'test.race', rule);
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit('203.0.113.9')));
    expect(decisions.filter((d) => d.ok)).toHaveLength(7);
    for (const refused of decisions.filter((d) => !d.ok)) expect(refused).toEqual({ ok: false, retryAfterSec: 60 });
    expect(await rows('test.race')).toHaveLength(7);
    // Another key and another bucket count on their own.
    expect(await a.hit('203.0.113.10')).toEqual({ ok: true });
    expect(await createSharedRateLimiter(two.db, 'test.other', rule).hit('203.0.113.9')).toEqual({ ok: true });
  });

  test('stores a SHA-256 of the key, never the key', async () => {
    const token = 'v1.42.secret-token';
    await createSharedRateLimiter(one.db, 'test.hash', { limit: 1, windowMs: 60_000 }).hit(token);
    expect(await rows('test.hash')).toEqual([createHash('sha256').update(token).digest('hex')]);
  });

  test('the window slides by the database clock; rows that left it are deleted', async () => {
    const limiter = createSharedRateLimiter(one.db, 'test.slide', { limit: 2, windowMs: 60_000 });
    expect(await limiter.hit('k')).toEqual({ ok: true });
    expect(await limiter.hit('k')).toEqual({ ok: true });
    expect((await limiter.hit('k')).ok).toBe(false);
    // Age the first hit past the window (as if a minute had gone by since it).
    await one.db.execute(sql`update rate_limit_hits set at = at - interval '61 seconds' where bucket = 'test.slide' and id = (select min(id) from rate_limit_hits where bucket = 'test.slide')`);
    expect(await limiter.hit('k')).toEqual({ ok: true });
    expect(await rows('test.slide')).toHaveLength(2);
    // The second hit is now the oldest counted: the wait is what is left of its minute.
    await one.db.execute(
      sql`update rate_limit_hits set at = clock_timestamp() - interval '45 seconds' where bucket = 'test.slide' and id = (select min(id) from rate_limit_hits where bucket = 'test.slide')`,
    );
    expect(await limiter.hit('k')).toEqual({ ok: false, retryAfterSec: 15 });
  });

  test("the cleanup deletes the bucket's rows that left the window, also of keys not hit again", async () => {
    const rule = { limit: 5, windowMs: 1_000 };
    const limiter = createSharedRateLimiter(one.db, 'test.clean', rule, { random: () => 1 });
    for (const key of ['a', 'b', 'c']) await limiter.hit(key);
    await one.db.execute(sql`update rate_limit_hits set at = at - interval '2 seconds' where bucket = 'test.clean'`);
    const errors: unknown[] = [];
    await createSharedRateLimiter(one.db, 'test.clean', rule, { random: () => 0, onCleanupError: (e) => errors.push(e) }).hit('d');
    const deadline = Date.now() + 5_000;
    while ((await rows('test.clean')).length > 1 && Date.now() < deadline) await Bun.sleep(10);
    expect(await rows('test.clean')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  test('limiters picks the shared one only when asked, else the in-memory one with its own clock', async () => {
    let now = 0;
    const memory = limiters({ db: one.db, shared: false, now: () => now })('test.pick', { limit: 1, windowMs: 1_000 });
    expect(await memory.hit('x')).toEqual({ ok: true });
    expect(await memory.hit('x')).toEqual({ ok: false, retryAfterSec: 1 });
    now += 1_000;
    expect(await memory.hit('x')).toEqual({ ok: true });
    expect(await rows('test.pick')).toEqual([]);
    await limiters({ db: one.db, shared: true })('test.pick', { limit: 1, windowMs: 1_000 }).hit('x');
    expect(await rows('test.pick')).toHaveLength(1);
  });

  test('a key past the limit at this process is refused without a database transaction (a flood costs the pool nothing)', async () => {
    let transactions = 0;
    const counting = new Proxy(one.db, {
      get: (target, name, receiver) =>
        name === 'transaction' ? (...args: Parameters<typeof target.transaction>) => (transactions++, target.transaction(...args)) : Reflect.get(target, name, receiver),
    });
    const limiter = limiters({ db: counting, shared: true })('test.flood', { limit: 3, windowMs: 60_000 });
    const decisions = [];
    for (let i = 0; i < 50; i++) decisions.push(await limiter.hit('198.51.100.7'));
    expect(decisions.filter((d) => d.ok)).toHaveLength(3);
    expect(transactions).toBe(3);
    expect(await rows('test.flood')).toHaveLength(3);
  });
});
