/** @module server/conversations/commit/door.test — through the door, many conversations' plain messages share one statement: each applied once, a bad one alone rejected. */
import { describe, expect, test } from 'bun:test';
import { asc, eq, inArray } from 'drizzle-orm';
import { initialState } from '../../../actors/conversation/decide';
import type { ConversationEvent, ConversationState, Effect } from '../../../actors/conversation/types';
import { drivers, testDatabase, type TestDatabase } from '../../../test/support/db';
import { conversationRow } from '../../db/queries/inbox';
import { aspirants, conversationEvents, conversations, inboundEvents, messages } from '../../db/schema';
import { createCommitDoor } from './door';

const AT = Date.parse('2026-11-27T10:00:00Z');

async function seed(database: TestDatabase, n: number) {
  const { db } = database;
  const people = await db
    .insert(aspirants)
    .values(Array.from({ length: n }, (_, i) => ({ whatsappId: `+57300${String(i).padStart(7, '0')}`, whatsappName: `Aspirante ${i}` })))
    .returning();
  return db
    .insert(conversations)
    .values(people.map((a) => ({ aspirantId: a.id, unreadCount: 1 })))
    .returning();
}

async function inbound(database: TestDatabase, conversationId: number | null, body: string) {
  const sid = `SM${Bun.randomUUIDv7().replaceAll('-', '')}`;
  const [row] = await database.db.insert(inboundEvents).values({ providerSid: sid, kind: 'message', conversationKey: 'k', payload: {} }).returning();
  const event = { type: 'inbound.received', eventId: row!.id, messageSid: sid, body, media: [], receivedAt: AT } as unknown as ConversationEvent;
  const effects = [
    { type: 'inbound.processed', eventId: row!.id },
    { type: 'message.add', message: { ref: 'in', sender: 'aspirant', body, status: 'received', providerSid: sid } },
    { type: 'conversation.patch', patch: { lastMessageAt: AT, lastMessagePreview: body, unreadIncrement: 1, ...(body.endsWith('!') ? { status: 'needs_attention' as const } : {}) } },
  ] as Effect[];
  const state: ConversationState = { ...initialState(`+57${conversationId}`), conversationId, aspirantId: 1 };
  return { eventId: row!.id, state, effects, event, body };
}

/** A door whose set lane runs at most `concurrency` statements at once, as the writer it replaced. */
function writerOf(database: TestDatabase, options: { concurrency: number; maxBatch?: number }) {
  const door = createCommitDoor(database.db, { generalConcurrency: 1, statementConcurrency: options.concurrency, setMaxBatch: options.maxBatch });
  return {
    commit: (item: Awaited<ReturnType<typeof inbound>>) => door.commit(item.state.key, item.state, item.effects, item.event, AT),
    stats: () => ({ statements: door.stats().set.batches, messages: door.stats().set.items }),
  };
}

describe.each(drivers)('commit door, set lane batches (%s)', (driver) => {
  test('messages for many conversations share statements; every one is committed, patched, journaled and answered once', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const convs = await seed(database, 30);
    const writer = writerOf(database, { concurrency: 1, maxBatch: 8 });
    const items = await Promise.all(convs.map((c, i) => inbound(database, c.id, i % 5 === 0 ? `urgente ${i}!` : `hola ${i}`)));
    const results = await Promise.all(items.map((item) => writer.commit(item)));
    // One alone (nothing was in flight), then batches of at most 8.
    expect(writer.stats()).toEqual({ statements: 5, messages: 30 });

    const stored = await db.select().from(messages).orderBy(asc(messages.id));
    expect(stored).toHaveLength(30);
    results.forEach((result, i) => {
      const message = stored.find((m) => m.id === result.messageIds.in)!;
      expect(message).toMatchObject({ conversationId: convs[i]!.id, body: items[i]!.body });
      expect(result).toMatchObject({ applied: true, conversationId: convs[i]!.id, touchedMessageIds: [message.id] });
    });
    // The push reads each list row after the commit.
    for (const [i, conv] of convs.entries()) {
      const body = stored.find((m) => m.conversationId === conv.id)!.body;
      expect(await conversationRow(db, conv.id)).toMatchObject({ id: conv.id, unread: 2, preview: body, name: `Aspirante ${i}`, status: i % 5 === 0 ? 'needs_attention' : 'new' });
    }
    const after = await db
      .select()
      .from(conversations)
      .where(
        inArray(
          conversations.id,
          convs.map((c) => c.id),
        ),
      );
    expect(after.every((c) => c.unreadCount === 2 && c.lastMessageAt.getTime() === AT)).toBe(true);
    expect(after.filter((c) => c.status === 'needs_attention')).toHaveLength(6);
    const journal = await db.select().from(conversationEvents);
    expect(journal.map((j) => j.messageIds![0]!).sort((a, b) => a - b)).toEqual(stored.map((m) => m.id));
    expect((await db.select().from(inboundEvents)).every((e) => e.processedAt !== null)).toBe(true);

    // Delivered again (a retry after a crash before the actor heard back): nothing is written twice.
    const again = await Promise.all(items.slice(0, 5).map((item) => writer.commit(item)));
    expect(again.map((r) => r.applied)).toEqual([false, false, false, false, false]);
    expect(await db.$count(messages)).toBe(30);
  });

  test('a message that cannot be stored fails alone; the rest of its batch commits', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const convs = await seed(database, 6);
    const writer = writerOf(database, { concurrency: 1 });
    const items = await Promise.all(convs.map((c, i) => inbound(database, i === 3 ? 999_999 : c.id, `hola ${i}`)));
    const settled = await Promise.allSettled(items.map((item) => writer.commit(item)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await db.$count(messages)).toBe(5);
    const [bad] = await db.select().from(inboundEvents).where(eq(inboundEvents.id, items[3]!.eventId));
    expect(bad!.processedAt).toBeNull();
  });

  test('two messages for one conversation never share a batch, and land in order', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [conv] = await seed(database, 1);
    const writer = writerOf(database, { concurrency: 2 });
    const first = await inbound(database, conv!.id, 'uno');
    const second = await inbound(database, conv!.id, 'dos');
    const both = await Promise.all([writer.commit(first), writer.commit(second)]);
    // With two connections free, the second still waited for the first: one statement each, in order.
    expect(writer.stats()).toEqual({ statements: 2, messages: 2 });
    expect(both[0].messageIds.in!).toBeLessThan(both[1].messageIds.in!);
    expect(await conversationRow(db, conv!.id)).toMatchObject({ unread: 3, preview: 'dos' });
  });
});
