/**
 * @module test/presence-cluster.test — presence across processes: two servers on one Postgres (DATABASE_URL set, so
 * each runs its cluster node), a recruiter's socket on each; who views or types on one is seen on the other, and her
 * leaving too. Needs TEST_DATABASE_URL.
 */
import { describe, expect, test } from 'bun:test';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/client';
import { conversations } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { buildServices } from '../server/wiring';
import type { TestApp } from './support/app';
import { inbound } from './support/bot';
import { freshPostgresUrl } from './support/db';
import { listen } from './support/listen';
import { connect, person, settled } from './support/live';
import { tempDir } from './support/temp';

/** One server process's worth (its own pool, cluster node, app) on the shared database at `url`. */
async function member(url: string, name: string): Promise<TestApp> {
  const opened = await openDatabase({ databaseUrl: url, maxConnections: 5 });
  const database = { ...opened, [Symbol.asyncDispose]: () => opened.close() };
  const data = tempDir('wasap-presence-');
  const env = { WASAP_DATA_DIR: data.path, WASAP_SECRET: 'test-secret-'.repeat(4), DATABASE_URL: url, CLUSTER_NODE_ID: name };
  const config = loadConfig(env);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('warn', (text) => void logs.push(JSON.parse(text) as Record<string, unknown>));
  const metrics = createMetrics();
  const services = buildServices({ config, database, logger, metrics, bot: false });
  await services.start();
  const app = createApp({ config, database, logger, metrics, services });
  return {
    app,
    database,
    services,
    config,
    logs,
    waitForLog: () => Promise.reject(new Error('not used here')),
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    async [Symbol.asyncDispose]() {
      await services.stop();
      await database.close();
      data[Symbol.dispose]();
    },
  };
}

/** Resolves once `check` holds, polling; fails after `ms`. */
async function until(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('presence across two processes on one Postgres', () => {
  test('a viewer and a typist on process A appear on process B, and go when she leaves', async () => {
    const fresh = await freshPostgresUrl();
    try {
      const setup = await openDatabase({ databaseUrl: fresh.url, maxConnections: 2 });
      await setup.migrate();
      await setup.close();
      await using a = await member(fresh.url, 'presence-a');
      await using b = await member(fresh.url, 'presence-b');
      await using serverA = listen(a);
      await using serverB = listen(b);
      const ana = await person(a, 'Ana', 'admin');
      const luis = await person(a, 'Luis', 'admin');
      // Written on A, run by whichever process owns the conversation's shard.
      await a.services.conversations.acceptInbound(inbound('+573005550001', 'hola'));
      let id = 0;
      await until(async () => ((id = (await a.database.db.select({ id: conversations.id }).from(conversations))[0]?.id ?? 0), id > 0));

      using anaOnA = await connect(serverA.url, ana);
      using luisOnB = await connect(serverB.url, luis);
      luisOnB.send({ type: 'viewing', conversationId: id });
      await settled(luisOnB);
      anaOnA.send({ type: 'viewing', conversationId: id });
      await settled(anaOnA);
      const presenceLine = (data: string) => data.includes(`id="presence-${id}"`);
      // Users with no language of their own read Spanish (the product's first language).
      await luisOnB.frame((data) => presenceLine(data) && data.includes('Ana está viendo'));
      // Luis was already viewing on B when Ana opened it on A: she sees him too.
      await anaOnA.frame((data) => presenceLine(data) && data.includes('Luis está viendo'));

      anaOnA.send({ type: 'typing', conversationId: id });
      await luisOnB.frame((data) => presenceLine(data) && data.includes('Ana está escribiendo'));

      const before = luisOnB.received.length;
      anaOnA.send({ type: 'leaving' });
      await luisOnB.frame((data) => luisOnB.received.lastIndexOf(data) >= before && presenceLine(data) && !data.includes('Ana'));
      expect(b.services.cluster).toBeDefined();
    } finally {
      await fresh.drop();
    }
  });
});
