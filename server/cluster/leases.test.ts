import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import { createLogger } from '../logger';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { createFence, LeaseLostError } from './fence';
import { createLeases, FORGOTTEN_AFTER_MS, type Leases } from './leases';
import { SHARD_COUNT, shardOf } from './shard';

/** A lease manager as one process runs it, with what it was told. */
function node(db: Db, nodeId: string, leaseMs = 1_000, clock?: () => number) {
  const lost: number[] = [];
  const gained: number[] = [];
  const leases: Leases = createLeases({
    db,
    logger: createLogger('silent'),
    nodeId,
    leaseMs,
    heartbeatMs: 60_000, // beats are driven by the test
    onLost: (shards) => lost.push(...shards),
    onGained: (shards) => gained.push(...shards),
    drain: async () => {},
    busyShards: () => new Set(),
    clock,
  });
  return { leases, lost, gained };
}

async function owners(db: Db): Promise<Record<string, number>> {
  const rows = rowsOf<{ owner: string | null; n: number | string }>(await db.execute(sql`select owner, count(*) as n from shard_leases group by owner`));
  return Object.fromEntries(rows.map((r) => [r.owner ?? 'none', Number(r.n)]));
}

/** A conversation key in `shard`. */
function keyIn(shard: number): string {
  for (let i = 0; ; i++) if (shardOf(`+57300${i}`) === shard) return `+57300${i}`;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('shard leases on Postgres (needs TEST_DATABASE_URL)', () => {
  test('processes share the shards evenly, hand them over as one joins, and take them all back when it stops', async () => {
    await using database = await testDatabase('postgres');
    const a = node(database.db, 'a');
    await a.leases.start();
    expect(a.leases.owned()).toHaveLength(SHARD_COUNT);
    expect(a.leases.ready()).toBe(true);

    const b = node(database.db, 'b');
    await b.leases.start();
    // a hands 32 shards back per beat (drained first); b claims them on its own beats.
    for (let beat = 0; beat < 10 && b.leases.owned().length < SHARD_COUNT / 2; beat++) {
      await a.leases.beat();
      await a.leases.settled();
      await b.leases.beat();
    }
    expect(await owners(database.db)).toEqual({ a: 128, b: 128 });
    expect(a.lost).toEqual([]);
    expect(new Set([...a.leases.owned(), ...b.leases.owned()]).size).toBe(SHARD_COUNT);

    await b.leases.stop();
    expect(await owners(database.db)).toEqual({ a: 128, none: 128 });
    await a.leases.beat();
    expect(a.leases.owned()).toHaveLength(SHARD_COUNT);
    await a.leases.stop();
  });

  test('a lapsed lease is taken over with its epoch raised; the old owner learns it lost it and its commits are fenced out', async () => {
    await using database = await testDatabase('postgres');
    const db = database.db;
    const a = node(db, 'a', 1_000);
    await a.leases.start();
    const shard = 42;
    const epoch = a.leases.epochOf(shard)!;
    const fenceA = createFence('a', (s) => a.leases.epochOf(s));
    // While a holds the lease, its commit passes the fence.
    await db.transaction((tx) => fenceA.check(tx, [keyIn(shard)]));

    // a is paused past its lease: b (which sees a's heartbeat lapse) takes everything over.
    await db.execute(sql`update shard_leases set expires_at = now() - interval '1 second'`);
    await db.execute(sql`update cluster_nodes set heartbeat_at = now() - interval '1 minute' where id = 'a'`);
    const b = node(db, 'b', 1_000);
    await b.leases.start();
    expect(b.leases.epochOf(shard)).toBe(epoch + 1);

    // a, back, commits before its next heartbeat: refused in the database, nothing of that transaction lands.
    await db.execute(sql`create table fenced_probe (v int)`);
    const write = db.transaction(async (tx) => {
      await fenceA.check(tx, [keyIn(shard)]);
      await tx.execute(sql`insert into fenced_probe values (1)`);
    });
    await expect(write).rejects.toBeInstanceOf(LeaseLostError);
    expect(rowsOf(await db.execute(sql`select * from fenced_probe`))).toEqual([]);

    // Its heartbeat finds the epoch changed: every shard is reported lost, and nothing stays held.
    await a.leases.beat();
    expect(a.lost).toHaveLength(SHARD_COUNT);
    expect(a.leases.owned()).toEqual([]);
    await expect(fenceA.check(db, [keyIn(shard)])).rejects.toBeInstanceOf(LeaseLostError);
    await b.leases.stop();
    await a.leases.stop();
  });

  test('a lapse is stale at once but forgotten only after a minute, and no process deletes the row of one not yet forgotten', async () => {
    await using database = await testDatabase('postgres');
    const db = database.db;
    let now = 1_000_000;
    const a = node(db, 'a', 1_000, () => now);
    await a.leases.start();
    expect([a.leases.stale(), a.leases.forgotten()]).toEqual([false, false]);
    // Paused past its lease: stale (not ready, its shards may move) but still remembered by every other process.
    now += 1_001;
    expect([a.leases.stale(), a.leases.forgotten()]).toEqual([true, false]);
    now += FORGOTTEN_AFTER_MS - 1_002;
    expect(a.leases.forgotten()).toBe(false);
    now += 1;
    expect(a.leases.forgotten()).toBe(true);
    await a.leases.beat();
    expect([a.leases.stale(), a.leases.forgotten()]).toEqual([false, false]);

    // The database's side of that promise: a row whose heartbeat is younger than a minute and a lease is kept by
    // another's heartbeat, so that process does not count itself alone; an older one is deleted.
    const b = node(db, 'b', 1_000);
    const before = performance.now();
    await db.execute(sql`update cluster_nodes set heartbeat_at = now() - ${`${FORGOTTEN_AFTER_MS - 1_000} milliseconds`}::interval where id = 'a'`);
    await b.leases.start();
    expect(rowsOf(await db.execute(sql`select id from cluster_nodes where id = 'a'`))).toHaveLength(1);
    expect(b.leases.alone(before)).toBe(false);
    await db.execute(sql`update cluster_nodes set heartbeat_at = now() - ${`${FORGOTTEN_AFTER_MS + 2_000} milliseconds`}::interval where id = 'a'`);
    await b.leases.beat();
    expect(rowsOf(await db.execute(sql`select id from cluster_nodes where id = 'a'`))).toEqual([]);
    expect(b.leases.alone(before)).toBe(true);
    await b.leases.stop();
    await a.leases.stop();
  });

  test('a takeover waits for a commit in flight under the fence: the old owner never writes after the new one took over', async () => {
    await using database = await testDatabase('postgres');
    const db = database.db;
    const a = node(db, 'a', 1_000);
    await a.leases.start();
    const fenceA = createFence('a', (s) => a.leases.epochOf(s));
    await db.execute(sql`update shard_leases set expires_at = now() - interval '1 second'`);
    await db.execute(sql`update cluster_nodes set heartbeat_at = now() - interval '1 minute' where id = 'a'`);
    const { promise: held, resolve: holding } = Promise.withResolvers<void>();
    const { promise: release, resolve: finish } = Promise.withResolvers<void>();
    // a's commit holds FOR KEY SHARE on every lease row it checked, still inside its transaction.
    const commit = db.transaction(async (tx) => {
      await fenceA.check(
        tx,
        Array.from({ length: SHARD_COUNT }, (_, s) => keyIn(s)),
      );
      holding();
      await release;
    });
    await held;
    const b = node(db, 'b', 1_000);
    await b.leases.start();
    // SKIP LOCKED: b claims none of the rows a's open commit holds.
    expect(b.leases.owned()).toEqual([]);
    finish();
    await commit;
    await b.leases.beat();
    expect(b.leases.owned()).toHaveLength(SHARD_COUNT);
    await b.leases.stop();
    await a.leases.stop();
  });
});
