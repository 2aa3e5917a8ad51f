/** @module server/conversations/commit/status-statement.test — one-statement delivery updates: forward only, exactly once, nothing written for an unknown sid. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { ConversationEvent, Effect } from '../../../actors/conversation/types';
import { drivers, testDatabase, type TestDatabase } from '../../../test/support/db';
import { aspirants, conversationEvents, conversations, inboundEvents, messages } from '../../db/schema';
import { commitStatus, commitStatuses, statusPlan } from './status-statement';

const AT = Date.parse('2026-11-27T10:00:00Z');
const SID = `SM${'a'.repeat(32)}`;

async function seed(database: TestDatabase) {
  const { db } = database;
  const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112233' }).returning();
  const [conversation] = await db.insert(conversations).values({ aspirantId: aspirant!.id }).returning();
  const [message] = await db.insert(messages).values({ conversationId: conversation!.id, sender: 'bot', body: 'Hola', status: 'queued' }).returning();
  return { conversationId: conversation!.id, messageId: message!.id };
}

/** A status callback as the actor commits it: the move, then its inbound event marked processed. */
async function callback(database: TestDatabase, conversationId: number, status: 'sent' | 'delivered' | 'read', extra: Partial<Extract<Effect, { type: 'message.status' }>> = {}, sid = SID) {
  const [row] = await database.db
    .insert(inboundEvents)
    .values({ providerSid: `${sid}:${status}:${Math.random()}`, kind: 'status', conversationKey: '+573001112233', payload: {} })
    .returning();
  const event = { type: 'status.received', eventId: row!.id, messageSid: sid, status } as unknown as ConversationEvent;
  const plan = statusPlan(conversationId, [
    { type: 'message.status', match: { providerSid: sid }, status, ...extra },
    { type: 'inbound.processed', eventId: row!.id },
  ])!;
  return { eventId: row!.id, run: () => commitStatus(database.db, plan, event, AT) };
}

describe.each(drivers)('status statement (%s)', (driver) => {
  test('the send records the sid; callbacks move the status forward only, each exactly once, journaled', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { conversationId, messageId } = await seed(database);
    const sent = { type: 'outbox.sent', messageId, providerSid: SID } as unknown as ConversationEvent;
    const sentPlan = statusPlan(conversationId, [{ type: 'message.status', match: { messageId }, status: 'queued', providerSid: SID }])!;
    // Queued → queued does not move, but the sid is recorded; no callback is parked for it, so none is to be retold.
    expect(await commitStatus(db, sentPlan, sent, AT)).toMatchObject({ applied: true, touchedMessageIds: [], recordedSids: [] });
    expect((await db.select().from(messages).where(eq(messages.id, messageId)))[0]).toMatchObject({ providerSid: SID, status: 'queued' });

    const read = await callback(database, conversationId, 'read');
    expect(await read.run()).toMatchObject({ applied: true, touchedMessageIds: [messageId], recordedSids: [] });
    expect((await read.run())!.applied).toBe(false);
    const late = await callback(database, conversationId, 'delivered', { errorCode: 30008, errorMessage: 'ignored: it does not move' });
    expect(await late.run()).toMatchObject({ applied: true, touchedMessageIds: [] });
    const [after] = await db.select().from(messages).where(eq(messages.id, messageId));
    expect(after).toMatchObject({ status: 'read', errorCode: null, errorMessage: null });
    for (const eventId of [read.eventId, late.eventId]) {
      expect((await db.select().from(inboundEvents).where(eq(inboundEvents.id, eventId)))[0]!.processedAt).not.toBeNull();
    }
    const journal = await db.select({ type: conversationEvents.type }).from(conversationEvents).where(eq(conversationEvents.conversationId, conversationId));
    expect(journal.map((j) => j.type)).toEqual(['outbox.sent', 'status.received', 'status.received']);
  });

  test("Meta's pricing category is kept on the message, by a status that moves it or not, and not erased by one without it", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { conversationId, messageId } = await seed(database);
    await db.update(messages).set({ status: 'delivered', providerSid: SID }).where(eq(messages.id, messageId));
    // "sent" arrives after "delivered": it does not move the status, but its pricing is still the message's.
    await (await callback(database, conversationId, 'sent', { pricingCategory: 'utility' })).run();
    expect((await db.select().from(messages).where(eq(messages.id, messageId)))[0]).toMatchObject({ status: 'delivered', pricingCategory: 'utility' });
    await (await callback(database, conversationId, 'read')).run();
    expect((await db.select().from(messages).where(eq(messages.id, messageId)))[0]).toMatchObject({ status: 'read', pricingCategory: 'utility' });
  });

  test('a final status stays final; a callback for an unknown sid writes nothing and says so', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { conversationId, messageId } = await seed(database);
    await db.update(messages).set({ status: 'failed', providerSid: SID, errorCode: 63016 }).where(eq(messages.id, messageId));
    const read = await callback(database, conversationId, 'read');
    expect(await read.run()).toMatchObject({ applied: true, touchedMessageIds: [] });
    expect((await db.select().from(messages).where(eq(messages.id, messageId)))[0]).toMatchObject({ status: 'failed', errorCode: 63016 });

    const unknown = await callback(database, conversationId, 'delivered', {}, `SM${'b'.repeat(32)}`);
    expect(await unknown.run()).toBeNull();
    expect((await db.select().from(inboundEvents).where(eq(inboundEvents.id, unknown.eventId)))[0]!.processedAt).toBeNull();
    expect(await db.$count(conversationEvents)).toBe(1);
  });

  test("recording a sid names it for retelling only when a callback for it is parked (Twilio's callback can beat the send's answer)", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const { conversationId, messageId } = await seed(database);
    await db.insert(inboundEvents).values({ providerSid: `${SID}:delivered`, kind: 'status', conversationKey: '+573001112233', payload: { event: { messageSid: SID, status: 'delivered' } } });
    const sent = { type: 'outbox.sent', messageId, providerSid: SID } as unknown as ConversationEvent;
    const sentPlan = statusPlan(conversationId, [{ type: 'message.status', match: { messageId }, status: 'queued', providerSid: SID }])!;
    expect(await commitStatus(db, sentPlan, sent, AT)).toMatchObject({ applied: true, recordedSids: [SID] });
  });

  test('many conversations in one statement: each item gets its own outcome, as if committed alone', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const seeded: { conversationId: number; messageId: number; sid: string }[] = [];
    for (const n of [1, 2, 3, 4]) {
      const [aspirant] = await db
        .insert(aspirants)
        .values({ whatsappId: `+57300111220${n}` })
        .returning();
      const [conversation] = await db.insert(conversations).values({ aspirantId: aspirant!.id }).returning();
      const [message] = await db
        .insert(messages)
        .values({ conversationId: conversation!.id, sender: 'bot', body: `Hola ${n}`, status: 'queued', providerSid: `SM${n}` })
        .returning();
      seeded.push({ conversationId: conversation!.id, messageId: message!.id, sid: `SM${n}` });
    }
    const event = async (sid: string, processed = false) => {
      const [row] = await db
        .insert(inboundEvents)
        .values({ providerSid: `${sid}:cb`, kind: 'status', conversationKey: 'k', payload: {}, processedAt: processed ? new Date() : null })
        .returning();
      return row!.id;
    };
    const item = (i: number, sid: string, status: 'delivered' | 'read', eventId: number) => ({
      key: 'k',
      plan: statusPlan(seeded[i]!.conversationId, [
        { type: 'message.status', match: { providerSid: sid }, status },
        { type: 'inbound.processed', eventId },
      ])!,
      event: { type: 'status.received', eventId, messageSid: sid, status } as unknown as ConversationEvent,
      now: AT,
    });
    const outcomes = await commitStatuses(db, [
      item(0, 'SM1', 'read', await event('SM1')),
      item(1, 'SMunknown', 'delivered', await event('SMunknown')),
      item(2, 'SM3', 'delivered', await event('SM3', true)),
      item(3, 'SM4', 'delivered', await event('SM4')),
    ]);

    expect(outcomes[0]).toMatchObject({ applied: true, conversationId: seeded[0]!.conversationId, touchedMessageIds: [seeded[0]!.messageId] });
    expect(outcomes[1]).toBeNull();
    expect(outcomes[2]).toMatchObject({ applied: false, touchedMessageIds: [] });
    expect(outcomes[3]).toMatchObject({ applied: true, touchedMessageIds: [seeded[3]!.messageId] });
    const statuses = await db.select({ id: messages.id, status: messages.status }).from(messages);
    expect(new Map(statuses.map((m) => [m.id, m.status]))).toEqual(
      new Map([
        [seeded[0]!.messageId, 'read'],
        [seeded[1]!.messageId, 'queued'],
        [seeded[2]!.messageId, 'queued'],
        [seeded[3]!.messageId, 'delivered'],
      ]),
    );
    const journal = await db.select({ conversationId: conversationEvents.conversationId }).from(conversationEvents);
    expect(journal.map((j) => j.conversationId).sort()).toEqual([seeded[0]!.conversationId, seeded[3]!.conversationId].sort());
  });
});
