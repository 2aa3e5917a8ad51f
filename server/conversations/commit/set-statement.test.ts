/** @module server/conversations/commit/set-statement.test — the set lane's one statement for a plain inbound message: every effect, only the patched fields, once. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import { initialState } from '../../../actors/conversation/decide';
import type { ConversationEvent, Effect } from '../../../actors/conversation/types';
import { drivers, testDatabase, type TestDatabase } from '../../../test/support/db';
import { dumpCommitTables } from '../../../test/support/table-dump';
import type { Db } from '../../db/client';
import { conversationRow } from '../../db/queries/inbox';
import { aspirants, conversationEvents, conversations, inboundEvents, messages, timers, users } from '../../db/schema';
import { setPlan, type SetPlan } from './set-plan';
import { commitSet } from './set-statement';

/** The set lane's plan for an event of an existing conversation. */
function planFor(conversationId: number, effects: Effect[], event: ConversationEvent): SetPlan {
  return setPlan({ ...initialState('+570000000000'), conversationId, aspirantId: 1 }, event, effects, AT);
}

async function commitOne(db: Db, plan: SetPlan): Promise<CommitResult> {
  return (await commitSet(db, [plan]))[0] as CommitResult;
}

const AT = Date.parse('2026-11-27T10:00:00Z');

describe.each(drivers)('set statement (%s)', (driver) => {
  test('adds the message, patches only what the patch names, journals the event, and runs once', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [user] = await db.insert(users).values({ email: 'r@x.co', name: 'Rita <Recruiter>', passwordHash: 'x' }).returning();
    const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112233', whatsappName: 'Vale' }).returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ aspirantId: aspirant!.id, status: 'pending_form', assigneeId: user!.id, botScript: 'intake@1', botState: { step: 'wait' }, unreadCount: 2 })
      .returning();
    const [row] = await db.insert(inboundEvents).values({ providerSid: 'SM1', kind: 'message', conversationKey: '+573001112233', payload: {} }).returning();
    const event = { type: 'inbound.received', eventId: row!.id, messageSid: 'SM1', body: 'hola', media: [], receivedAt: AT } as unknown as ConversationEvent;
    const effects: Effect[] = [
      { type: 'inbound.processed', eventId: row!.id },
      { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'hola', status: 'received', providerSid: 'SM1' } },
      { type: 'conversation.patch', patch: { lastInboundAt: AT, lastMessageAt: AT, lastMessagePreview: 'hola', unreadIncrement: 1 } },
    ] as Effect[];
    const plan = planFor(conversation!.id, effects, event);

    const result = await commitOne(db, plan);
    expect(result.applied).toBe(true);
    // The push reads the list row after the commit.
    expect(await conversationRow(db, conversation!.id)).toMatchObject({
      id: conversation!.id,
      unread: 3,
      preview: 'hola',
      status: 'pending_form',
      name: 'Vale',
      contact: '+573001112233',
      assignee: { id: user!.id, name: 'Rita <Recruiter>' },
    });
    const [after] = await db.select().from(conversations).where(eq(conversations.id, conversation!.id));
    expect(after).toMatchObject({ status: 'pending_form', assigneeId: user!.id, botScript: 'intake@1', botState: { step: 'wait' }, botPaused: false, unreadCount: 3, lastMessagePreview: 'hola' });
    expect(after!.lastMessageAt.getTime()).toBe(AT);
    expect(after!.lastInboundAt!.getTime()).toBe(AT);
    const stored = await db.select().from(messages).where(eq(messages.conversationId, conversation!.id));
    expect(stored.map((m) => [m.body, m.sender, m.providerSid])).toEqual([['hola', 'aspirant', 'SM1']]);
    expect(result.messageIds).toEqual({ in: stored[0]!.id });
    const journal = await db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, conversation!.id));
    expect(journal.map((j) => [j.type, j.messageIds])).toEqual([['inbound.received', [stored[0]!.id]]]);
    const [processed] = await db.select().from(inboundEvents).where(eq(inboundEvents.id, row!.id));
    expect(processed!.processedAt).not.toBeNull();

    // The same event again (a retry after a crash between commit and ack): nothing changes.
    expect((await commitOne(db, plan)).applied).toBe(false);
    expect(await db.select().from(messages).where(eq(messages.conversationId, conversation!.id))).toHaveLength(1);
    const [again] = await db.select().from(conversations).where(eq(conversations.id, conversation!.id));
    expect(again!.unreadCount).toBe(3);
  });

  test('a patch can set the status, pause the bot and clear the assignee', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [user] = await db.insert(users).values({ email: 'r@x.co', name: 'Rita', passwordHash: 'x' }).returning();
    const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112244' }).returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ aspirantId: aspirant!.id, assigneeId: user!.id, botState: { step: 'a' } })
      .returning();
    const [row] = await db.insert(inboundEvents).values({ providerSid: 'SM2', kind: 'message', conversationKey: '+573001112244', payload: {} }).returning();
    const event = { type: 'inbound.received', eventId: row!.id, messageSid: 'SM2', body: 'x', media: [], receivedAt: AT } as unknown as ConversationEvent;
    const plan = planFor(
      conversation!.id,
      [
        { type: 'inbound.processed', eventId: row!.id },
        { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'x', status: 'received' } },
        { type: 'conversation.patch', patch: { status: 'needs_attention', botPaused: true, botState: { step: 'b' }, assigneeId: null } },
      ] as Effect[],
      event,
    );
    expect((await commitOne(db, plan)).applied).toBe(true);
    const [after] = await db.select().from(conversations).where(eq(conversations.id, conversation!.id));
    expect(after).toMatchObject({ status: 'needs_attention', botPaused: true, botState: { step: 'b' }, assigneeId: null, unreadCount: 0 });
  });

  test('a batch of differently shaped plans writes exactly what each plan writes alone', async () => {
    // The statement leaves out the parts its batch does not need: a batch mixing every part must still write each
    // plan's rows as that plan alone writes them.
    await using together = await testDatabase(driver);
    await using apart = await testDatabase(driver);
    const plansOf = async (database: TestDatabase) => {
      const { db } = database;
      const [first, follow, timed] = await db
        .insert(aspirants)
        .values([{ whatsappId: '+573000000001' }, { whatsappId: '+573000000002' }, { whatsappId: '+573000000003' }])
        .returning();
      const [c2, c3] = await db
        .insert(conversations)
        .values([
          { aspirantId: follow!.id, lastMessageAt: new Date(AT) },
          { aspirantId: timed!.id, lastMessageAt: new Date(AT) },
        ])
        .returning();
      const [e1, e2] = await db
        .insert(inboundEvents)
        .values([
          { providerSid: 'SMa', kind: 'message', conversationKey: first!.whatsappId, payload: {} },
          { providerSid: 'SMb', kind: 'message', conversationKey: follow!.whatsappId, payload: {} },
        ])
        .returning();
      const [due] = await db
        .insert(timers)
        .values({ conversationId: c3!.id, name: 'reminder', fireAt: new Date(AT) })
        .returning();
      await db.insert(timers).values({ conversationId: c3!.id, name: 'other', fireAt: new Date(AT + 1000) });
      const inbound = (id: number, sid: string) => ({ type: 'inbound.received', eventId: id, messageSid: sid, body: 'hola', media: [], receivedAt: AT }) as unknown as ConversationEvent;
      return [
        // A first message: the conversation created, the welcome queued, a timer scheduled.
        setPlan(
          { ...initialState(first!.whatsappId), aspirantId: first!.id },
          inbound(e1!.id, 'SMa'),
          [
            { type: 'inbound.processed', eventId: e1!.id },
            { type: 'conversation.create' },
            { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'hola', status: 'received', providerSid: 'SMa' } },
            { type: 'message.add', message: { ref: 'w', sender: 'bot', body: 'Bienvenida', status: 'queued' } },
            { type: 'outbox.enqueue', messageRef: 'w', body: 'Bienvenida' },
            { type: 'conversation.patch', patch: { lastMessageAt: AT, lastMessagePreview: 'Bienvenida', unreadIncrement: 1 } },
            { type: 'timer.schedule', name: 'reminder', at: AT + 60_000 },
          ] as Effect[],
          AT,
        ),
        // A follow-up that renames the aspirant.
        setPlan(
          { ...initialState(follow!.whatsappId), conversationId: c2!.id, aspirantId: follow!.id },
          inbound(e2!.id, 'SMb'),
          [
            { type: 'inbound.processed', eventId: e2!.id },
            { type: 'aspirant.patch', whatsappName: 'Vale', at: AT },
            { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body: 'hola', status: 'received', providerSid: 'SMb' } },
            { type: 'conversation.patch', patch: { lastMessageAt: AT, lastMessagePreview: 'hola', unreadIncrement: 1 } },
          ] as Effect[],
          AT,
        ),
        // A bot step on a timer: no message, no patch; cancels the other timer and schedules one.
        setPlan(
          { ...initialState(timed!.whatsappId), conversationId: c3!.id, aspirantId: timed!.id },
          { type: 'timer.fired', timerId: due!.id, name: 'reminder', firedAt: AT },
          [
            { type: 'timer.consumed', timerId: due!.id },
            { type: 'timer.cancel', name: 'other' },
            { type: 'timer.schedule', name: 'later', at: AT + 120_000 },
          ] as Effect[],
          AT,
        ),
      ];
    };
    const batch = await plansOf(together);
    const outcomes = await commitSet(together.db, batch);
    expect(outcomes.map((o) => o !== 'stale' && o.applied)).toEqual([true, true, true]);
    for (const plan of await plansOf(apart)) expect(((await commitSet(apart.db, [plan]))[0] as CommitResult).applied).toBe(true);
    const a = await dumpCommitTables(together.db);
    const b = await dumpCommitTables(apart.db);
    for (const table of Object.keys(a)) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] });
    expect(a.messages).toHaveLength(3);
    expect(a.timers!.map((t) => (t as { name: string }).name)).toEqual(['reminder', 'other', 'reminder', 'later']);
  });
});
