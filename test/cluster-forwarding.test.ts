/**
 * Two processes' services on one Postgres database, in this test process: a webhook taken by the process that does
 * not own the conversation reaches its owner through the table and a hint; a recruiter's command sent to the
 * non-owner is forwarded and answered; work that cannot travel (an erasure's) runs at the non-owner while the owner
 * holds the conversation still. (test/cluster/ runs real processes.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { openDatabase, type Database } from '../server/db/client';
import { rowsOf } from '../server/db/rows';
import { shardOf } from '../server/cluster/shard';
import { ServiceUnavailableError } from '../server/errors';
import { conversationEvents, inboundEvents, messages, outbox } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { replyCommandId } from '../server/services/reply-command';
import { addUser } from '../server/services/users';
import { buildServices, type Services } from '../server/wiring';
import { inbound } from './support/bot';
import { freshPostgresUrl } from './support/db';
import { tempDir } from './support/temp';
import { until } from './support/cluster-nodes';

describe.skipIf(!process.env.TEST_DATABASE_URL)('two processes on one Postgres (needs TEST_DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof freshPostgresUrl>>;
  const nodes: { database: Database; services: Services; dir: ReturnType<typeof tempDir> }[] = [];

  beforeAll(async () => {
    scratch = await freshPostgresUrl();
    for (const name of ['a', 'b']) {
      const dir = tempDir('wasap-node-');
      const config = loadConfig({ DATABASE_URL: scratch.url, WASAP_DATA_DIR: dir.path, WASAP_SECRET: 's'.repeat(40), CLUSTER_NODE_ID: name, CLUSTER_LEASE_MS: '1500' });
      const database = await openDatabase({ databaseUrl: scratch.url });
      if (name === 'a') await database.migrate();
      const services = buildServices({ config, database, logger: createLogger('silent'), metrics: createMetrics(), bot: false, timerPollMs: 0 });
      await services.start();
      nodes.push({ database, services, dir });
    }
    // b joined after a: a hands shards over a few heartbeats until each holds half.
    await until(() => nodes.every((n) => n.services.cluster!.owned().length === 128));
  });

  afterAll(async () => {
    for (const n of nodes) {
      await n.services.stop();
      await n.database.close();
      n.dir[Symbol.dispose]();
    }
    await scratch.drop();
  });

  /** A phone whose conversation the node `owner` runs. */
  function keyOwnedBy(owner: number): string {
    for (let i = 0; ; i++) {
      const phone = `+5731${String(i).padStart(8, '0')}`;
      if (nodes[owner]!.services.cluster!.owns(phone)) return phone;
    }
  }

  test('a webhook taken by the non-owner is processed by the owner, once; a command sent to the non-owner is forwarded and answered', async () => {
    const [a, b] = nodes;
    const phone = keyOwnedBy(1);
    expect(a!.services.cluster!.owns(phone)).toBe(false);
    const accepted = await a!.services.conversations.acceptInbound(inbound(phone, 'hola desde otro proceso'));
    expect(accepted.duplicate).toBe(false);
    const db = a!.database.db;
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0);
    const [message] = await db.select().from(messages).where(eq(messages.body, 'hola desde otro proceso'));
    expect(message).toBeDefined();
    // Only the owner ran the actor.
    expect(b!.services.conversations.registry.has(phone)).toBe(true);
    expect(a!.services.conversations.registry.has(phone)).toBe(false);

    const user = await addUser(db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'admin', password: 'long enough pw' });
    await a!.services.conversations.addNote(phone, user.id, 'nota reenviada');
    const notes = await db
      .select()
      .from(conversationEvents)
      .where(and(eq(conversationEvents.conversationId, message!.conversationId), eq(conversationEvents.type, 'note.added')));
    expect(notes).toHaveLength(1);
    expect(a!.services.conversations.registry.has(phone)).toBe(false);
    // Forwarded commands are deleted once answered.
    expect(rowsOf<{ n: string }>(await db.execute(sql`select count(*) as n from cluster_commands`))[0]!.n).toBe('0');
  });

  test('a reply whose forwarded outcome went unheard, sent again with the same commandId to either process, is saved and sent once', async () => {
    const [a, b] = nodes;
    const phone = keyOwnedBy(1);
    await a!.services.conversations.acceptInbound(inbound(phone, 'hola, ¿me responden?'));
    const db = a!.database.db;
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0);
    const user = await addUser(db, { label: 'test' }, { email: 'once@a.co', name: 'Olga', role: 'admin', password: 'long enough pw' });
    const reply = { userId: user.id, body: 'Te respondo una sola vez', commandId: replyCommandId({ conversationId: 1, userId: user.id, token: crypto.randomUUID(), body: 'x' }) };
    // The first try forwarded by a, the same command again at a and at the owner, all at once.
    const answers = await Promise.all([a!.services.conversations.reply(phone, reply), a!.services.conversations.reply(phone, reply), b!.services.conversations.reply(phone, reply)]);
    const sent = await db.select().from(messages).where(eq(messages.body, 'Te respondo una sola vez'));
    expect(sent).toHaveLength(1);
    const once = { ok: true, messageId: sent[0]!.id };
    expect(answers).toEqual([once, once, once]);
    expect(await db.select().from(outbox).where(eq(outbox.messageId, sent[0]!.id))).toHaveLength(1);
  });

  test("work that cannot travel runs at the non-owner while the owner holds the conversation's turn", async () => {
    const [a, b] = nodes;
    const phone = keyOwnedBy(1);
    let ownerRanMeanwhile = false;
    const result = await a!.services.conversations.exclusive(phone, async () => {
      // The owner's actor is held: a call to it waits until this work is done.
      const asked = b!.services.conversations.registry.ask(phone, () => (ownerRanMeanwhile = true));
      // Several database round trips, in which an actor not held would have answered (it needs none).
      for (let i = 0; i < 5; i++) await a!.database.db.execute(sql`select 1`);
      const ranBefore = ownerRanMeanwhile;
      return { ranBefore, asked };
    });
    expect(result.ranBefore).toBe(false);
    await result.asked;
    expect(ownerRanMeanwhile).toBe(true);
  });

  test("the work held elsewhere carries the owner's fence: once the shard moved, its transaction writes nothing", async () => {
    const [a] = nodes;
    const db = a!.database.db;
    const phone = keyOwnedBy(1);
    await db.execute(sql`create table if not exists fenced_marks (n int)`);
    const write = (n: number) =>
      a!.services.conversations.exclusive(phone, (fenced) =>
        db.transaction(async (tx) => {
          if (n === 2) await db.execute(sql`update shard_leases set epoch = epoch + 1 where shard = ${shardOf(phone)}`);
          await fenced(tx);
          await tx.execute(sql`insert into fenced_marks values (${n})`);
        }),
      );
    await write(1);
    await expect(write(2)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(rowsOf<{ n: number }>(await db.execute(sql`select n from fenced_marks`)).map((r) => Number(r.n))).toEqual([1]);
  });
});
