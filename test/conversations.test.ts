/** @module test/conversations.test — the conversation system on a real database: order, exactly-once, replies, statuses, recovery. */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { DEFAULT_OPT_NOTICES } from '../actors/conversation/opt-notice';
import { aspirants, conversations, inboundEvents, messages, outbox } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { createConversationSystem } from '../server/conversations/system';
import { addUser } from '../server/services/users';
import type { InboundMessage } from '../server/whatsapp/inbound-parse';
import { drivers, testDatabase, type TestDatabase } from './support/db';

function system(database: TestDatabase, now?: () => number) {
  return createConversationSystem({ db: database.db, logger: createLogger('silent'), metrics: createMetrics(), idleMs: 60_000, now, after: {} });
}

let sidCounter = 0;
function inbound(from: string, body: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  const sid = `SM${(++sidCounter).toString(16).padStart(32, '0')}`;
  return {
    messageSid: sid,
    from: { phone: from },
    body,
    media: [],
    content: { kind: 'text' },
    raw: { MessageSid: sid, Body: body },
    profileName: 'Vale',
    ...extra,
  };
}

const phone = (i: number) => `+5730000${String(i).padStart(5, '0')}`;

describe.each(drivers)('conversation system on %s', (driver) => {
  test('1,000 concurrent messages for 50 numbers: each stored once, in receipt order per conversation', async () => {
    await using database = await testDatabase(driver);
    const sys = system(database);
    const batch = Array.from({ length: 1000 }, (_, i) => inbound(phone(i % 50), `msg ${Math.floor(i / 50)}`));
    const results = await Promise.all([...batch, ...batch.slice(0, 100)].map((m) => sys.acceptInbound(m)));
    expect(results.filter((r) => r.duplicate)).toHaveLength(100);
    await sys.drain();
    const rows = await database.db.select().from(messages).orderBy(asc(messages.id));
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.providerSid)).size).toBe(1000);
    const events = await database.db.select().from(inboundEvents).orderBy(asc(inboundEvents.id));
    expect(events.every((e) => e.processedAt !== null)).toBe(true);
    // Per conversation, message rows follow the order in which their events were committed.
    const eventOrder = new Map(events.map((e, i) => [e.providerSid, i]));
    const byConversation = Map.groupBy(rows, (r) => r.conversationId);
    expect(byConversation.size).toBe(50);
    for (const list of byConversation.values()) {
      const order = list.map((r) => eventOrder.get(r.providerSid!)!);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const [conv] = await database.db.select().from(conversations).limit(1);
    expect(conv).toMatchObject({ status: 'new', unreadCount: 20, lastMessagePreview: 'msg 19' });
  });

  test('a reply inside the window goes to the outbox; outside it is refused; STOP blocks replies', async () => {
    await using database = await testDatabase(driver);
    let now = Date.now();
    const sys = system(database, () => now);
    const user = await addUser(database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    await sys.acceptInbound(inbound(phone(1), 'Hola'), now);
    const sent = await sys.reply(phone(1), { userId: user.id, body: 'Hola Vale, bienvenida' });
    expect(sent).toMatchObject({ ok: true });
    const [row] = await database.db.select().from(outbox);
    expect(row).toMatchObject({ toNumber: phone(1), body: 'Hola Vale, bienvenida', state: 'pending', messageId: sent.messageId });
    const [message] = await database.db.select().from(messages).where(eq(messages.id, sent.messageId!));
    expect(message).toMatchObject({ sender: 'recruiter', authorId: user.id, status: 'queued' });
    now += 25 * 60 * 60 * 1000;
    expect(await sys.reply(phone(1), { userId: user.id, body: 'late' })).toMatchObject({ ok: false, code: 'WINDOW_CLOSED' });
    expect(await sys.reply(phone(1), { userId: user.id, templateRef: 'HX0123', templateVariables: { 1: 'Vale' } })).toMatchObject({ ok: true });
    await sys.acceptInbound(inbound(phone(1), 'BAJA'), now);
    expect(await sys.reply(phone(1), { userId: user.id, body: 'still there?' })).toMatchObject({ ok: false, code: 'OPTED_OUT' });
    const [aspirant] = await database.db.select().from(aspirants);
    expect(aspirant?.optedOutAt).toBeInstanceOf(Date);
    // The reply, the template, and the one confirmation of her opt-out (in Spanish: she wrote Spanish).
    const rows = await database.db.select().from(outbox).orderBy(outbox.id);
    expect(rows).toHaveLength(3);
    expect(rows[2]?.body).toBe(DEFAULT_OPT_NOTICES.opted_out.es);
    await sys.drain();
  });

  test('status callbacks in any order end at the furthest; one that comes before its sid waits for it', async () => {
    await using database = await testDatabase(driver);
    const sys = system(database);
    const user = await addUser(database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    await sys.acceptInbound(inbound(phone(2), 'Hola'));
    const { messageId } = await sys.reply(phone(2), { userId: user.id, body: 'one' });
    const sid = `SM${'f'.repeat(32)}`;
    // "delivered" arrives before the provider's sid is recorded: it is parked, not lost.
    await sys.acceptStatus({ messageSid: sid, recipient: { phone: phone(2) }, status: 'delivered' });
    await sys.registry.ask(phone(2), () => null);
    expect((await database.db.select().from(messages).where(eq(messages.id, messageId!)))[0]?.status).toBe('queued');
    sys.tell(phone(2), { type: 'outbox.sent', messageId: messageId!, providerSid: sid });
    await sys.registry.ask(phone(2), () => null);
    for (const status of ['sent', 'read', 'sending', 'delivered'] as const) await sys.acceptStatus({ messageSid: sid, recipient: { phone: phone(2) }, status });
    await sys.acceptStatus({ messageSid: sid, recipient: { phone: phone(2) }, status: 'read' });
    await sys.drain();
    const [row] = await database.db.select().from(messages).where(eq(messages.id, messageId!));
    expect(row).toMatchObject({ providerSid: sid, status: 'read' });
    const events = await database.db.select().from(inboundEvents);
    expect(events.filter((e) => e.kind === 'status').every((e) => e.processedAt !== null)).toBe(true);
  });

  test('a status callback parked for over a day, its message never known here, is closed by the catch-up sweep', async () => {
    await using database = await testDatabase(driver);
    const sys = system(database);
    await sys.acceptStatus({ messageSid: `SM${'e'.repeat(32)}`, recipient: { phone: phone(4) }, status: 'delivered' });
    await sys.registry.ask(phone(4), () => null);
    const open = async () => (await database.db.select().from(inboundEvents)).filter((e) => e.processedAt === null);
    expect(await open()).toHaveLength(1);
    await sys.catchUp(0);
    expect(await open()).toHaveLength(1);
    await database.db.update(inboundEvents).set({ receivedAt: new Date(Date.now() - 25 * 60 * 60 * 1000) });
    await sys.catchUp(0);
    expect(await open()).toHaveLength(0);
    expect((await database.db.select().from(inboundEvents))[0]?.lastError).toBe('no message with this sid arrived within a day');
    await sys.drain();
  });

  test('events accepted but not processed before a crash are processed once at the next start', async () => {
    await using database = await testDatabase(driver);
    const crashed = system(database);
    // Accept, then "crash" before the actor runs: close the registry without processing.
    await crashed.registry.drain();
    const accepted = await Promise.all([1, 2, 3].map((i) => crashed.acceptInbound(inbound(phone(3), `m${i}`))));
    expect(accepted.every((a) => !a.duplicate)).toBe(true);
    expect(await database.db.select().from(messages)).toHaveLength(0);
    const restarted = system(database);
    expect(await restarted.recover()).toBe(3);
    await restarted.drain();
    const again = system(database);
    expect(await again.recover()).toBe(0);
    await again.drain();
    expect((await database.db.select().from(messages).orderBy(asc(messages.id))).map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
  });
});
