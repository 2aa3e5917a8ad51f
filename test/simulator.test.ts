/** @module test/simulator.test — with no Twilio settings, /dev/phone plays the aspirant through the webhook's own path. */
import { describe, expect, test } from 'bun:test';
import { aspirants, conversations, media, messages } from '../server/db/schema';
import { addUser } from '../server/services/users';
import { testApp } from './support/app';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const number = '+573001234567';

function phoneForm(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

describe('simulator', () => {
  test('a message from /dev/phone creates the conversation; a reply reaches the phone live and is delivered', async () => {
    await using t = await testApp();
    const page = await t.request('/dev/phone');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Phone simulator');
    const sent = await t.request('/dev/phone/messages', { method: 'POST', body: phoneForm({ number, name: '<b>Vale</b>', body: 'Hola, vi su anuncio' }) });
    expect(sent.status).toBe(303);
    await t.services.conversations.registry.ask(number, () => null);
    const [aspirant] = await t.database.db.select().from(aspirants);
    expect(aspirant).toMatchObject({ whatsappId: number, whatsappName: '<b>Vale</b>' });
    expect(await t.database.db.select().from(conversations)).toHaveLength(1);
    await t.services.outbox.idle(); // the bot's welcome has gone out before the phone is watched

    const pushed: string[] = [];
    t.services.hub.listen((topic, data) => topic === `phone:${number}` && pushed.push(data));
    const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    const reply = await t.services.conversations.reply(number, { userId: user.id, body: '¡Hola Vale! <script>x</script>' });
    expect(reply.ok).toBe(true);
    await t.services.outbox.idle();
    await t.services.simulator!.idle();
    await t.services.conversations.registry.ask(number, () => null);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toContain('hx-swap-oob="beforeend:#thread"');
    expect(pushed[0]).toContain('¡Hola Vale! &lt;script&gt;x&lt;/script&gt;');
    const rows = await t.database.db.select().from(messages);
    expect(rows.find((m) => m.id === reply.messageId)?.status).toBe('delivered');

    const thread = await (await t.request(`/dev/phone?number=${encodeURIComponent(number)}`)).text();
    expect(thread).toContain('Hola, vi su anuncio');
    expect(thread).toContain('&lt;script&gt;');
    expect(thread).not.toContain('<script>x');
  });

  test('a photo from the phone is stored like a WhatsApp photo; bad input is refused with the field named', async () => {
    await using t = await testApp();
    const photo = new File([PNG], 'me.png', { type: 'image/png' });
    const sent = await t.request('/dev/phone/messages', { method: 'POST', headers: { 'hx-request': 'true' }, body: phoneForm({ number, body: '', photo }) });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('phone-msg-SM');
    await t.services.conversations.registry.ask(number, () => null);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(number, () => null);
    expect((await t.database.db.select().from(media))[0]).toMatchObject({ state: 'stored', kind: 'image', size: PNG.length });
    const bad = await t.request('/dev/phone/messages', { method: 'POST', headers: { accept: 'application/json' }, body: phoneForm({ number: '3001234567', body: 'hola' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'number' } });
  });

  test('the phone sends what Twilio would for a sticker, a document under its name and a place', async () => {
    await using t = await testApp(undefined, { overrides: { bot: false } });
    const send = (fields: Record<string, string | Blob>) => t.request('/dev/phone/messages', { method: 'POST', headers: { 'hx-request': 'true' }, body: phoneForm({ number, ...fields }) });
    expect((await send({ type: 'sticker', photo: new File([PNG], 'sticker.webp', { type: 'image/webp' }) })).status).toBe(200);
    expect((await send({ type: 'document', photo: new File(['%PDF-1.4'], 'hoja_de_vida.pdf', { type: 'application/pdf' }) })).status).toBe(200);
    expect((await send({ latitude: '6.2442', longitude: '-75.5812', label: 'Parque Lleras', address: 'Medellín' })).status).toBe(200);
    expect((await send({ type: 'sticker' })).status).toBe(400);
    await t.services.conversations.registry.ask(number, () => null);
    const stored = await t.database.db.select({ kind: messages.kind, content: messages.content }).from(messages).orderBy(messages.id);
    expect(stored.map((m) => m.kind)).toEqual(['sticker', 'document', 'location']);
    expect(stored[1]!.content).toMatchObject({ fileName: 'hoja_de_vida.pdf' });
    expect(stored[2]!.content).toMatchObject({ latitude: 6.2442, longitude: -75.5812, label: 'Parque Lleras' });
  });

  test('Twilio webhooks are not served in simulator mode, and /dev/phone is not served with Twilio configured', async () => {
    await using t = await testApp();
    expect((await t.request('/webhooks/twilio', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' })).status).toBe(404);
    await using real = await testApp('pglite', { env: { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x', TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886' } });
    expect((await real.request('/dev/phone')).status).toBe(404);
  });
});
