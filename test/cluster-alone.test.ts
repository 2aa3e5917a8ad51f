/**
 * A lone process in cluster mode (DATABASE_URL set, no other process live) tells stored events straight to their
 * actors and keeps pushes to itself; a process that joins says so before it serves, and the first stops counting
 * itself alone at once — not at its next heartbeat (20 s here) — so events then go through the table, in id order.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { asc, isNull } from 'drizzle-orm';
import type { Database } from '../server/db/client';
import { inboundEvents, messages } from '../server/db/schema';
import { inbound } from './support/bot';
import { clusterNodes, until } from './support/cluster-nodes';

describe.skipIf(!process.env.TEST_DATABASE_URL)('a lone process on Postgres (needs TEST_DATABASE_URL)', () => {
  const cluster = clusterNodes();
  beforeAll(() => cluster.open());
  afterAll(() => cluster.close());
  const startNode = (name: string) => cluster.start(name);
  const stopNode = cluster.stop;

  const bodies = async (db: Database['db'], phone: string) => (await db.select().from(messages).orderBy(asc(messages.id))).filter((m) => m.body?.startsWith(phone)).map((m) => m.body);

  test('alone, its events are processed in order; a joining process ends "alone" before any heartbeat, and events still arrive in order', async () => {
    const a = await startNode('a');
    const cluster = a.services.cluster!;
    expect(cluster.owned()).toHaveLength(256);
    expect(cluster.alone()).toBe(true);
    const db = a.database.db;
    const phone = '+573100000001';
    for (let i = 1; i <= 3; i++) await a.services.conversations.acceptInbound(inbound(phone, `${phone} m${i}`));
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0);
    expect(await bodies(db, phone)).toEqual([`${phone} m1`, `${phone} m2`, `${phone} m3`]);

    const b = await startNode('b');
    await until(() => !cluster.alone(), 5_000);
    expect(b.services.cluster!.alone()).toBe(false);
    // Not alone: through the table (a pull), still once each and in order.
    for (let i = 4; i <= 5; i++) await a.services.conversations.acceptInbound(inbound(phone, `${phone} m${i}`));
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0);
    expect(await bodies(db, phone)).toEqual([1, 2, 3, 4, 5].map((i) => `${phone} m${i}`));

    // b stops (its row goes): a's next count finds it alone again.
    await stopNode(b);
    await cluster.leases.beat();
    expect(cluster.alone()).toBe(true);
  });
});
