/** @module server/cluster/status.test — the cluster read side on rows written directly: nodes, lease counts and times, lagging shards, the gauges. */
import { ensureShardRows } from './leases';
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { clusterNodes, inboundEvents } from '../db/schema';
import { createMetrics } from '../metrics';
import { drivers, testDatabase } from '../../test/support/db';
import { shardOf } from './shard';
import { clusterStatus, registerClusterMetrics } from './status';

const T = new Date('2026-12-02T08:00:00.000Z');
const at = (offsetMs: number) => new Date(T.getTime() + offsetMs);

/** A conversation key that falls in `shard`. */
function keyIn(shard: number): string {
  for (let i = 0; ; i++) if (shardOf(`+5730${String(i).padStart(8, '0')}`) === shard) return `+5730${String(i).padStart(8, '0')}`;
}

async function lease(db: Db, shards: number[], owner: string, expiresAt: Date | null) {
  await db.execute(sql`update shard_leases set owner = ${owner}, expires_at = ${expiresAt?.toISOString() ?? null}::timestamptz, acquired_at = ${T.toISOString()}::timestamptz, epoch = epoch + 1
    where shard = any(${`{${shards.join(',')}}`}::int[])`);
}

let sid = 0;
async function event(db: Db, shard: number, receivedOffsetMs: number, options: { processed?: boolean; kind?: string; payload?: unknown } = {}) {
  await db.insert(inboundEvents).values({
    providerSid: `SM${++sid}`,
    kind: options.kind ?? 'message',
    conversationKey: keyIn(shard),
    payload: options.payload ?? { event: { type: 'inbound.received' } },
    receivedAt: at(receivedOffsetMs),
    processedAt: options.processed ? at(0) : null,
  });
}

/** Three registered processes (a alive, b silent, c draining), a lease owner with no row, and events of every kind. */
async function seed(db: Db) {
  await db.insert(clusterNodes).values([
    { id: 'a', host: 'h1', pid: 11, url: 'http://10.0.0.1:3000', startedAt: at(-3_600_000), heartbeatAt: at(-500) },
    { id: 'b', host: 'h2', pid: 22, url: null, startedAt: at(-7_200_000), heartbeatAt: at(-10_000) },
    { id: 'c', host: 'h3', pid: 33, url: null, startedAt: at(-60_000), heartbeatAt: at(-100), draining: true },
  ]);
  await lease(db, [0], 'a', at(1_000));
  await lease(db, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'a', at(2_900));
  await lease(db, [10, 11, 12, 13, 14], 'b', at(-4_000));
  await lease(db, [15, 16], 'ghost', at(1_500));
  // An owner without an expiry is free to claim (server/cluster/leases): unowned.
  await lease(db, [17], 'c', null);
  await event(db, 0, -8_000);
  await event(db, 0, -7_000);
  await event(db, 0, -30_000, { processed: true });
  await event(db, 10, -20_000);
  await event(db, 200, -6_000);
  await event(db, 1, -1_000);
  // Parked for a message not recorded yet: waiting by design, not lag.
  await event(db, 50, -60_000, { kind: 'status', payload: { event: { type: 'status.updated', messageSid: 'SMunknown' } } });
}

describe.each(drivers)('clusterStatus on %s', (driver) => {
  test('nodes, shard counts, lease times and lagging shards from two queries at one reference time', async () => {
    await using database = await testDatabase(driver);
    await ensureShardRows(database.db);
    await seed(database.db);
    const status = await clusterStatus(database.db, { now: T, leaseMs: 3_000 });
    expect(status.at).toBe(T.toISOString());
    expect(status.nodes).toEqual([
      { id: 'b', host: 'h2', pid: 22, url: null, startedAt: at(-7_200_000).toISOString(), heartbeatAgeMs: 10_000, draining: false, shards: 0, alive: false },
      { id: 'a', host: 'h1', pid: 11, url: 'http://10.0.0.1:3000', startedAt: at(-3_600_000).toISOString(), heartbeatAgeMs: 500, draining: false, shards: 10, alive: true },
      { id: 'c', host: 'h3', pid: 33, url: null, startedAt: at(-60_000).toISOString(), heartbeatAgeMs: 100, draining: true, shards: 0, alive: true },
    ]);
    expect(status.shards).toEqual({ total: 256, owned: 12, expired: 5, unowned: 239 });
    expect(status.leases.sort((x, y) => x.owner.localeCompare(y.owner))).toEqual([
      { owner: 'a', shards: 10, expired: 0, minRemainingMs: 1_000, maxRemainingMs: 2_900 },
      { owner: 'b', shards: 0, expired: 5, minRemainingMs: -4_000, maxRemainingMs: -4_000 },
      { owner: 'ghost', shards: 2, expired: 0, minRemainingMs: 1_500, maxRemainingMs: 1_500 },
    ]);
    expect(status.lagThresholdMs).toBe(5_000);
    expect(status.lagging).toEqual([
      { shard: 10, owner: null, unprocessed: 1, oldestAgeMs: 20_000 },
      { shard: 0, owner: 'a', unprocessed: 2, oldestAgeMs: 8_000 },
      { shard: 200, owner: null, unprocessed: 1, oldestAgeMs: 6_000 },
    ]);
    expect(status.laggingTotal).toBe(3);

    const top = await clusterStatus(database.db, { now: T, lagLimit: 1, lagThresholdMs: 10_000 });
    expect({ lagging: top.lagging, total: top.laggingTotal }).toEqual({ lagging: [{ shard: 10, owner: null, unprocessed: 1, oldestAgeMs: 20_000 }], total: 1 });
  });

  test('without `now`, ages are measured on the database clock; an empty cluster has every shard unowned', async () => {
    await using database = await testDatabase(driver);
    await ensureShardRows(database.db);
    const empty = await clusterStatus(database.db);
    expect({ nodes: empty.nodes, shards: empty.shards, leases: empty.leases, lagging: empty.lagging, total: empty.laggingTotal }).toEqual({
      nodes: [],
      shards: { total: 256, owned: 0, expired: 0, unowned: 256 },
      leases: [],
      lagging: [],
      total: 0,
    });
    await database.db.execute(sql`insert into cluster_nodes (id, host, pid, heartbeat_at) values ('n', 'h', 1, now() - interval '2 seconds')`);
    await database.db.execute(sql`update shard_leases set owner = 'n', expires_at = now() + interval '3 seconds' where shard = 7`);
    const status = await clusterStatus(database.db);
    const [node] = status.nodes;
    expect(node!.heartbeatAgeMs).toBeGreaterThanOrEqual(2_000);
    expect(node!.heartbeatAgeMs).toBeLessThan(2_000 + 5_000);
    expect({ shards: node!.shards, alive: node!.alive }).toEqual({ shards: 1, alive: true });
    expect(status.leases[0]!.minRemainingMs).toBeLessThanOrEqual(3_000);
    expect(status.leases[0]!.minRemainingMs).toBeGreaterThan(3_000 - 5_000);
  });

  test('gauges: shards this process holds, and unprocessed events per held shard (0 included, parked statuses aside)', async () => {
    await using database = await testDatabase(driver);
    await ensureShardRows(database.db);
    await seed(database.db);
    const metrics = createMetrics();
    let owned = [0, 1, 10, 50];
    registerClusterMetrics(metrics, { db: database.db, owned: () => owned });
    const lines = async () => (await metrics.render()).split('\n').filter((line) => line.startsWith('wasap_cluster_'));
    expect(await lines()).toEqual([
      'wasap_cluster_shards_owned 4',
      'wasap_cluster_unprocessed_events{shard="0"} 2',
      'wasap_cluster_unprocessed_events{shard="1"} 1',
      'wasap_cluster_unprocessed_events{shard="10"} 1',
      'wasap_cluster_unprocessed_events{shard="50"} 0',
    ]);
    owned = [1];
    expect(await lines()).toEqual(['wasap_cluster_shards_owned 1', 'wasap_cluster_unprocessed_events{shard="1"} 1']);
  });
});
