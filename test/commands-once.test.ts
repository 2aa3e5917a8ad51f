/**
 * @module test/commands-once.test — a recruiter's command carries a commandId: run again (its COMMIT's answer was
 * lost and the unit or the event was retried) it is recognised from its journal row and not applied twice.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { messages, notes, outbox } from '../server/db/schema';
import { addUser } from '../server/services/users';
import { testApp } from './support/app';
import { inbound } from './support/bot';
import { drivers } from './support/db';

const key = '+573006660001';

describe.each(drivers)('recruiter commands on %s', (driver) => {
  test('the same reply or note handled twice is written once; the second caller learns the first reply', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    await t.services.conversations.acceptInbound(inbound(key, 'Hola'));
    await t.services.conversations.registry.ask(key, () => null);
    const reply = { type: 'recruiter.replied' as const, userId: user.id, body: 'Una sola vez', commandId: Bun.randomUUIDv7() };
    const first = await t.services.conversations.registry.call(key, reply);
    const second = await t.services.conversations.registry.call(key, { ...reply });
    const sent = await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(sent.map((m) => m.body)).toEqual(['Una sola vez']);
    expect(await t.database.db.select().from(outbox)).toHaveLength(1);
    expect(first).toEqual({ deadLettered: false, attempts: 1, reply: expect.objectContaining({ ok: true, messageId: sent[0]!.id }) });
    expect(second).toEqual({ deadLettered: false, attempts: 1, reply: { ok: true, messageId: sent[0]!.id } });

    const note = { type: 'note.added' as const, userId: user.id, body: 'llamar mañana', commandId: Bun.randomUUIDv7() };
    await t.services.conversations.registry.send(key, note);
    await t.services.conversations.registry.send(key, { ...note });
    expect((await t.database.db.select().from(notes)).map((n) => n.body)).toEqual(['llamar mañana']);
    // A new command (a new id) is a new reply.
    await t.services.conversations.registry.send(key, { ...reply, commandId: Bun.randomUUIDv7() });
    expect(await t.database.db.select().from(outbox)).toHaveLength(2);
  });
});
