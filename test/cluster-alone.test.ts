/**
 * A lone process in cluster mode (DATABASE_URL set, no other process live) tells stored events straight to their
 * actors and keeps pushes to itself; a process that joins says so before it serves, and the first stops counting
 * itself alone at once — not at its next heartbeat (20 s here) — so events then go through the table, in id order.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { asc, isNull } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { openDatabase, type Database } from '../server/db/client';
import { inboundEvents, messages } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { buildServices, type Services } from '../server/wiring';
import { inbound } from './support/bot';
import { freshPostgresUrl } from './support/db';
import { tempDir } from './support/temp';

/** Polls `check` until it holds (no fixed sleeps); fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}

interface Node {
  database: Database;
  services: Services;
  dir: ReturnType<typeof tempDir>;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('a lone process on Postgres (needs TEST_DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof freshPostgresUrl>>;
  const nodes: Node[] = [];

  async function startNode(name: string): Promise<Node> {
    const dir = tempDir('wasap-alone-');
    // Heartbeats 20 s apart: within this test, only the joining process's notice can end "alone".
    const config = loadConfig({ DATABASE_URL: scratch.url, WASAP_DATA_DIR: dir.path, WASAP_SECRET: 's'.repeat(40), CLUSTER_NODE_ID: name, CLUSTER_LEASE_MS: '60000', CLUSTER_HEARTBEAT_MS: '20000' });
    const database = await openDatabase({ databaseUrl: scratch.url });
    await database.migrate();
    const services = buildServices({ config, database, logger: createLogger('silent'), metrics: createMetrics(), bot: false, timerPollMs: 0 });
    await services.start();
    const node = { database, services, dir };
    nodes.push(node);
    return node;
  }

  async function stopNode(node: Node): Promise<void> {
    await node.services.stop();
    await node.database.close();
    node.dir[Symbol.dispose]();
    nodes.splice(nodes.indexOf(node), 1);
  }

  beforeAll(async () => {
    scratch = await freshPostgresUrl();
  });

  afterAll(async () => {
    for (const node of [...nodes].reverse()) await stopNode(node);
    await scratch.drop();
  });

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
