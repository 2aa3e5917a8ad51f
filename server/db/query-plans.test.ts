/**
 * @module server/db/query-plans.test — lookups made once per message stay index lookups on a large backlog, even on tables
 * never analysed (this machine's Postgres runs with autovacuum off): parked status callbacks by sid, a pending timer by conversation,
 * the rows the set lane's statement updates, the messages a delivery update moves, the actors' states; and the inbox's
 * waiting list, which walks its partial index.
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import type { Database } from './client';
import { rowsOf } from './rows';
import { cancelTimersQuery } from '../conversations/commit/general-effects';
import { setPlan } from '../conversations/commit/set-plan';
import { setStatement } from '../conversations/commit/set-statement';
import { statusStatement, type StatusItem } from '../conversations/commit/status-statement';
import { parkedStatusQuery } from '../conversations/recovery';
import { loadStatesQuery } from '../conversations/state-statement';
import { listQuery } from './queries/inbox';
import { initialState } from '../../actors/conversation/decide';
import type { ConversationEvent, Effect } from '../../actors/conversation/types';
import { PgDialect } from 'drizzle-orm/pg-core';
import { aspirants, conversations, inboundEvents, timers } from './schema';

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn('server/db/query-plans.test: skipped — set TEST_DATABASE_URL to a Postgres server to run it (CI does).');

async function planOf(db: Database['db'], query: { sql: string; params: unknown[] }): Promise<string> {
  // EXPLAIN the very statement the code runs, its parameters written in as literals.
  const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = query.params[Number(n) - 1];
    return typeof value === 'number' ? String(value) : `'${String(value instanceof Date ? value.toISOString() : value)}'`;
  });
  return rowsOf(await db.execute(sql.raw(`explain ${text}`)))
    .map((r) => String(r['QUERY PLAN']))
    .join('\n');
}

/**
 * The generic plan Postgres caches for the statement once it is prepared (as every statement here is: server/db/prepared),
 * made from the tables as they are now and kept until an ANALYZE invalidates it, however they grow meanwhile.
 */
async function genericPlanOf(db: Database['db'], query: { sql: string; params: unknown[] }): Promise<string> {
  const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`);
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw('set local plan_cache_mode = force_generic_plan'));
    await tx.execute(sql.raw(`prepare plan_probe as ${query.sql}`));
    const rows = rowsOf(await tx.execute(sql.raw(`explain execute plan_probe(${query.params.map(literal).join(', ')})`)));
    await tx.execute(sql.raw('deallocate plan_probe'));
    return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  });
}

describe.skipIf(!url)('query plans on Postgres (needs TEST_DATABASE_URL)', () => {
  test('with thousands of unprocessed messages waiting, the lookup by sid uses the partial index and finds only its callback', async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    // A burst's backlog: unprocessed inbound messages, and one status callback parked for a sid not yet recorded.
    const backlog = Array.from({ length: 5000 }, (_, i) => ({
      providerSid: `SM${String(i).padStart(32, '0')}`,
      kind: 'message',
      conversationKey: `+5730${String(i).padStart(8, '0')}`,
      payload: { event: { type: 'inbound.received', messageSid: `SM${String(i).padStart(32, '0')}` } },
    }));
    for (let i = 0; i < backlog.length; i += 1000) await db.insert(inboundEvents).values(backlog.slice(i, i + 1000));
    const parkedSid = `SM${'f'.repeat(32)}`;
    await db
      .insert(inboundEvents)
      .values({ providerSid: `${parkedSid}:delivered`, kind: 'status', conversationKey: '+573000000001', payload: { event: { type: 'status.received', messageSid: parkedSid, status: 'delivered' } } });
    await db.execute(sql`analyze inbound_events`);

    const found = await parkedStatusQuery(db, [parkedSid, `SM${'e'.repeat(32)}`]);
    expect(found.map((row) => row.providerSid)).toEqual([`${parkedSid}:delivered`]);

    expect(await planOf(db, parkedStatusQuery(db, [parkedSid]).toSQL())).toContain('inbound_events_parked_status_idx');
  });

  test("cancelling a conversation's pending timer looks up that conversation, not every pending timer", async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    // A burst of new conversations, two reminders each, and no ANALYZE (as with autovacuum off).
    await db.execute(sql`insert into aspirants (whatsapp_id) select '+5730' || lpad(g::text, 8, '0') from generate_series(1, 1500) g`);
    await db.execute(sql`insert into conversations (aspirant_id) select id from aspirants`);
    await db.execute(
      sql`insert into timers (conversation_id, name, fire_at) select c.id, v.n, now() + interval '4 hours' from conversations c, (values ('form_reminder_1'), ('form_reminder_2')) v(n)`,
    );
    const [conversation] = await db.select({ id: conversations.id }).from(conversations).limit(1);
    const plan = await planOf(db, cancelTimersQuery(db, conversation!.id, 'form_reminder_1').toSQL());
    expect(plan).not.toContain('timers_due_idx');
    expect(plan).toMatch(/timers_conversation_idx|timers_pkey/);

    await cancelTimersQuery(db, conversation!.id, 'form_reminder_1');
    const left = await db
      .select({ name: timers.name, cancelled: timers.cancelledAt })
      .from(timers)
      .where(sql`${timers.conversationId} = ${conversation!.id}`)
      .orderBy(timers.name);
    expect(left.map((t) => [t.name, t.cancelled !== null])).toEqual([
      ['form_reminder_1', true],
      ['form_reminder_2', false],
    ]);
    expect(await db.$count(aspirants)).toBe(1500);
  });

  test('the set statement looks rows up by index even in large, never-analysed tables', async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    await db.execute(sql`insert into aspirants (whatsapp_id) select '+5730' || lpad(g::text, 8, '0') from generate_series(1, 5000) g`);
    await db.execute(sql`insert into conversations (aspirant_id) select id from aspirants`);
    await db.execute(sql`insert into inbound_events (provider_sid, kind, conversation_key, payload) select 'SM' || g, 'message', 'k', '{}' from generate_series(1, 20000) g`);
    // A batch as it comes under load: a hundred conversations, each renamed (a new WhatsApp profile name).
    const plans = Array.from({ length: 100 }, (_, i) => i + 1).map((n) =>
      setPlan(
        { ...initialState(`+57${n}`), conversationId: n, aspirantId: n },
        { type: 'inbound.received', eventId: n } as unknown as ConversationEvent,
        [
          { type: 'inbound.processed', eventId: n },
          { type: 'aspirant.patch', whatsappName: `Nombre ${n}`, at: 0 },
          { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'hola', status: 'received' } },
          { type: 'conversation.patch', patch: { lastMessageAt: 0, unreadIncrement: 1 } },
        ] as Effect[],
        0,
      ),
    );
    const plan = await planOf(db, new PgDialect().sqlToQuery(setStatement(plans)));
    expect(plan).not.toMatch(/Seq Scan on (conversations|inbound_events|aspirants)/);
    expect(plan).toContain('conversations_pkey');
    expect(plan).toContain('aspirants_pkey');
    expect(plan).toMatch(/Index Scan using inbound_events_(pkey|unprocessed_idx) on inbound_events/);
  });

  test('a delivery update finds its message by index in the plan cached while messages was small, however it grows after', async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    // Early in a burst: 600 messages (a few pages: as when the bench's plan was cached), analysed (as autovacuum or
    // the server's maintenance does); the statement's generic plan is made now and kept, while the table grows, until
    // the next ANALYZE. One lookup "id = … or provider_sid = …" was planned as a scan of messages here (below ~450
    // rows any lookup is: a scan of two or three pages is cheaper than an index, and the next ANALYZE comes soon).
    await db.execute(sql`insert into aspirants (whatsapp_id) select '+5730' || lpad(g::text, 8, '0') from generate_series(1, 600) g`);
    await db.execute(sql`insert into conversations (aspirant_id) select id from aspirants`);
    await db.execute(sql`insert into messages (conversation_id, sender, body, status, provider_sid) select id, 'bot', 'hola', 'sent', 'SMa' || id from conversations`);
    await db.execute(sql`analyze messages`);
    const items: StatusItem[] = Array.from({ length: 20 }, (_, i) => i + 1).map((n) => ({
      key: `+5730${String(n).padStart(8, '0')}`,
      plan: {
        conversationId: n,
        eventId: null,
        effect:
          n % 2 ? { type: 'message.status', match: { messageId: n }, status: 'sent', providerSid: `SMc${n}` } : { type: 'message.status', match: { providerSid: `SMa${n}` }, status: 'delivered' },
      },
      event: { type: 'status.received' } as unknown as ConversationEvent,
      now: 0,
    }));
    const plan = await genericPlanOf(db, new PgDialect().sqlToQuery(statusStatement(items)));
    expect(plan).not.toMatch(/Seq Scan on messages/);
    expect(plan).toContain('messages_pkey');
    expect(plan).toContain('messages_provider_sid_key');
  });

  test('the waiting list walks conversations_waiting_idx in order, first page and after a cursor, for an admin and a recruiter', async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    // Many conversations, few of them waiting (as in a real inbox), never analysed.
    await db.execute(sql`insert into aspirants (whatsapp_id) select '+5730' || lpad(g::text, 8, '0') from generate_series(1, 10000) g`);
    await db.execute(sql`insert into conversations (aspirant_id, waiting_since) select id, case when id % 50 = 0 then now() - id * interval '1 second' end from aspirants`);
    const filters = { scope: 'all' as const, status: 'waiting' as const };
    for (const [viewer, cursor] of [
      [{ id: 1, role: 'admin' as const }, undefined],
      [{ id: 1, role: 'recruiter' as const }, 'w2026-11-27T10:00:00.000Z_42'],
    ] as const) {
      const plan = await genericPlanOf(db, listQuery(db, viewer, filters, cursor).toSQL());
      expect(plan).toContain('conversations_waiting_idx');
      expect(plan).not.toMatch(/Seq Scan on conversations|Sort/);
      if (cursor) expect(plan).toMatch(/Index Cond: \(ROW\(waiting_since, id\) >/);
    }
  });

  test("actors' states are looked up by index even in large, never-analysed tables", async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    await db.execute(sql`insert into aspirants (whatsapp_id) select '+5730' || lpad(g::text, 8, '0') from generate_series(1, 10000) g`);
    await db.execute(sql`insert into conversations (aspirant_id) select id from aspirants`);
    const keys = Array.from({ length: 5 }, (_, i) => `+5730${String(i * 1000 + 1).padStart(8, '0')}`);
    const plan = await planOf(db, new PgDialect().sqlToQuery(loadStatesQuery(keys)));
    expect(plan).not.toMatch(/Seq Scan on (conversations|aspirants)/);
    expect(plan).toContain('aspirants_whatsapp_id_key');
    expect(plan).toContain('conversations_aspirant_id_key');
  });
});
