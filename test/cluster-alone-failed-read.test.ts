/**
 * A lone process whose catch-up read of a conversation's backlog fails (a DB blip, which is also what makes the
 * listening connection come back) does not count the shard caught up: the conversation's next message goes through
 * the table, after the earlier, acknowledged one, instead of being told straight ahead of it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { asc, isNull } from 'drizzle-orm';
import postgres from 'postgres';
import { loadConfig } from '../server/config';
import { openDatabase, type Database } from '../server/db/client';
import { inboundEvents, messages } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { createIntake } from '../server/conversations/intake';
import { buildServices, type Services } from '../server/wiring';
import { inbound } from './support/bot';
import { freshPostgresUrl } from './support/db';
import { tempDir } from './support/temp';
import { until } from './support/cluster-nodes';

describe.skipIf(!process.env.TEST_DATABASE_URL)('the lone-process path after a failed read (needs TEST_DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof freshPostgresUrl>>;
  let database: Database;
  let services: Services;
  let dir: ReturnType<typeof tempDir>;
  const logs: string[] = [];

  beforeAll(async () => {
    scratch = await freshPostgresUrl();
    dir = tempDir('wasap-alone-read-');
    const config = loadConfig({ DATABASE_URL: scratch.url, WASAP_DATA_DIR: dir.path, WASAP_SECRET: 's'.repeat(40), CLUSTER_NODE_ID: 'a', CLUSTER_LEASE_MS: '60000', CLUSTER_HEARTBEAT_MS: '20000' });
    database = await openDatabase({ databaseUrl: scratch.url });
    await database.migrate();
    services = buildServices({ config, database, logger: createLogger('warn', (line) => logs.push(line)), metrics: createMetrics(), bot: false, timerPollMs: 0 });
    await services.start();
  });

  afterAll(async () => {
    await services.stop();
    await database.close();
    dir[Symbol.dispose]();
    await scratch.drop();
  });

  test('m1 (stored and acknowledged first) is committed before m2', async () => {
    const cluster = services.cluster!;
    const db = database.db;
    expect(cluster.alone()).toBe(true);
    const phone = '+573100000077';

    // m1: acknowledged, not yet told (a backlog: e.g. stored by a process that stopped, or while the hint was lost).
    const backlog = createIntake({ db, metrics: createMetrics(), tell: () => {}, concurrency: 1 });
    await backlog.acceptInbound(inbound(phone, `${phone} m1`));

    // The next read of inbound_events rows fails once (a connection reset).
    let failures = 1;
    const realSelect = db.select.bind(db);
    (db as unknown as { select: unknown }).select = (...args: unknown[]) => {
      const builder = (realSelect as (...a: unknown[]) => { from(t: unknown): unknown })(...args);
      const realFrom = builder.from.bind(builder);
      builder.from = (table: unknown) => {
        const query = realFrom(table) as { then: unknown };
        if (table === inboundEvents && failures > 0) {
          failures--;
          query.then = (ok: (v: unknown) => unknown, ko: (e: unknown) => unknown) => Promise.reject(new Error('injected: connection reset')).then(ok, ko);
        }
        return query;
      };
      return builder;
    };

    // The DB blip also drops the listening connection: it comes back and catches every owned shard up.
    const admin = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'wasap-hints' and datname = current_database()`;
    await until(() => failures === 0 && logs.some((line) => line.includes('unprocessed events not read')), 15_000);
    await admin.end();

    // m2, sent after m1 was acknowledged, reaches the lone process.
    await services.conversations.acceptInbound(inbound(phone, `${phone} m2`));
    // Wait for the sweep to bring m1 in, then look at the order of the committed messages.
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0, 20_000);
    const finalBodies = (await db.select().from(messages).orderBy(asc(messages.id))).filter((m) => m.body?.startsWith(phone)).map((m) => m.body);
    expect(finalBodies).toEqual([`${phone} m1`, `${phone} m2`]);
  }, 60_000);
});
