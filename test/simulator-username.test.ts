/**
 * @module test/simulator-username.test — /dev/phone plays a WhatsApp user who hides her number behind a username: her
 * messages carry a stable simulated BSUID and her username, replies to that BSUID reach her phone, and the same person
 * can later write with her number too.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { aspirants, conversations, messages } from '../server/db/schema';
import { addUser } from '../server/services/users';
import { simulatedBsuid } from '../server/whatsapp/simulator';
import { BSUID } from '../server/whatsapp/port';
import { testApp } from './support/app';

function phoneForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

describe('simulator with a username', () => {
  test("a simulated BSUID is stable for a username, whatever its case, and has Meta's shape", () => {
    expect(simulatedBsuid('vale.g')).toMatch(BSUID);
    expect(simulatedBsuid('vale.g')).toBe(simulatedBsuid('Vale.G'));
    expect(simulatedBsuid('vale.g')).not.toBe(simulatedBsuid('ana'));
  });

  test('without a WhatsApp name she is no made-up "Aspirant": her row carries no profile name and the bot greets her without one', async () => {
    await using t = await testApp();
    const bsuid = simulatedBsuid('sofi_23');
    const sent = await t.request('/dev/phone/messages', { method: 'POST', body: phoneForm({ username: 'sofi_23', body: 'Hola' }) });
    expect(sent.status).toBe(303);
    await t.services.conversations.registry.ask(bsuid, () => null);
    expect(await t.database.db.select({ name: aspirants.whatsappName }).from(aspirants)).toEqual([{ name: null }]);
    const [bubble] = await t.database.db.select({ body: messages.body }).from(messages).where(eq(messages.sender, 'bot')).limit(1);
    expect(bubble?.body ?? '').not.toContain('Aspirant');
  });

  test('a username-only aspirant writes, hears a reply sent to her BSUID, and later shares her number as the same person', async () => {
    await using t = await testApp();
    const bsuid = simulatedBsuid('vale.g');
    const page = await (await t.request('/dev/phone')).text();
    expect(page).toContain('name="username"');
    const sent = await t.request('/dev/phone/messages', { method: 'POST', body: phoneForm({ number: '', username: '@vale.g', name: 'Vale', body: 'Hola, sin número' }) });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/dev/phone?username=vale.g&name=Vale');
    await t.services.conversations.registry.ask(bsuid, () => null);
    expect(await t.database.db.select({ key: aspirants.whatsappId, phone: aspirants.phone, bsuid: aspirants.bsuid, username: aspirants.username }).from(aspirants)).toEqual([
      { key: bsuid, phone: null, bsuid, username: 'vale.g' },
    ]);
    await t.services.outbox.idle();

    const heard: string[] = [];
    t.services.hub.listen((topic, data) => topic === `phone:${bsuid}` && heard.push(data));
    const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    const reply = await t.services.conversations.reply(bsuid, { userId: user.id, body: '¡Hola Vale!' });
    expect(reply.ok).toBe(true);
    await t.services.outbox.idle();
    await t.services.simulator!.idle();
    await t.services.conversations.registry.ask(bsuid, () => null);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toContain('¡Hola Vale!');
    expect((await t.database.db.select().from(messages)).find((m) => m.id === reply.messageId)?.status).toBe('delivered');
    const thread = await (await t.request('/dev/phone?username=vale.g')).text();
    expect(thread).toContain('Hola, sin número');
    expect(thread).toContain('¡Hola Vale!');
    expect(thread).toContain(`/dev/phone/live?username=vale.g`);

    // Later she writes with her number too: the same aspirant, now with her phone; her number alone finds her thread.
    const later = await t.request('/dev/phone/messages', { method: 'POST', headers: { 'hx-request': 'true' }, body: phoneForm({ number: '+573001234567', username: 'vale.g', body: 'Mi número' }) });
    expect(later.status).toBe(200);
    await t.services.conversations.registry.ask(bsuid, () => null);
    expect(await t.database.db.select({ key: aspirants.whatsappId, phone: aspirants.phone }).from(aspirants)).toEqual([{ key: bsuid, phone: '+573001234567' }]);
    expect(await t.database.db.$count(conversations)).toBe(1);
    const byNumber = await (await t.request(`/dev/phone?number=${encodeURIComponent('+573001234567')}`)).text();
    expect(byNumber).toContain('Mi número');
    expect(byNumber).toContain('Hola, sin número');
  });

  test('a bad username, or neither number nor username, is refused with the field named', async () => {
    await using t = await testApp();
    const post = (fields: Record<string, string>) => t.request('/dev/phone/messages', { method: 'POST', headers: { accept: 'application/json' }, body: phoneForm({ body: 'hola', ...fields }) });
    const bad = await post({ username: 'vale g!' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'username' } });
    const none = await post({ number: '', username: '' });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: { field: 'number' } });
    expect(await t.database.db.$count(aspirants)).toBe(0);
  });
});
