/** @module test/webhooks.test — Twilio's webhooks end to end through app.handle, against a fake Twilio API. */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { DEFAULT_OPT_NOTICES } from '../actors/conversation/opt-notice';
import { conversations, inboundEvents, messages, outbox } from '../server/db/schema';
import { MAX_FORM_FIELDS, MAX_INBOUND_BYTES, parseForm } from '../server/whatsapp/twilio-webhooks';
import { addUser } from '../server/services/users';
import { testApp } from './support/app';
import { drivers } from './support/db';
import { inSequence, startFakeTwilio } from './support/fake-twilio';
import { inboundParams, signedPost, statusParams, twilioEnv } from './support/twilio-env';

const phone = (i: number) => `+5731${String(i).padStart(8, '0')}`;

async function setup(driver: 'pglite' | 'postgres') {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { outboxBackoffMs: () => 0, outboxReconcileAfterMs: 0, bot: false } });
  return {
    fake,
    t,
    post: (path: string, params: Record<string, string>, signature?: string) => signedPost(t, path, params, fake.authToken, signature),
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

/** Waits until the outbox has nothing in flight and the actor has handled what it was told. */
async function settle(t: Awaited<ReturnType<typeof setup>>['t'], key: string) {
  await t.services.outbox.idle();
  await t.services.conversations.registry.ask(key, () => null);
}

describe.each(drivers)('Twilio webhooks on %s', (driver) => {
  test('1,000 signed webhooks at once for 50 numbers: all stored once, in order; repeats are acknowledged and ignored', async () => {
    await using s = await setup(driver);
    const batch = Array.from({ length: 1000 }, (_, i) => inboundParams(s.fake, phone(i % 50), `mensaje ${Math.floor(i / 50)}`));
    const responses = await Promise.all([...batch, ...batch.slice(0, 50)].map((p) => s.post('/webhooks/twilio', p)));
    expect(responses.map((r) => r.status)).toEqual(new Array(1050).fill(200));
    expect(await responses[0]!.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    await s.t.services.conversations.drain();
    const rows = await s.t.database.db.select().from(messages).orderBy(asc(messages.id));
    expect(rows).toHaveLength(1000);
    const events = await s.t.database.db.select().from(inboundEvents).orderBy(asc(inboundEvents.id));
    const order = new Map(events.map((e, i) => [e.providerSid, i]));
    for (const list of Map.groupBy(rows, (r) => r.conversationId).values()) {
      const seen = list.map((r) => order.get(r.providerSid!)!);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(list.map((r) => r.body)).toEqual(Array.from({ length: 20 }, (_, i) => `mensaje ${i}`));
    }
    const metrics = await (await s.t.request('/metrics')).text();
    expect(metrics).toContain('wasap_webhooks_received_total{kind="message"} 1000');
    expect(metrics).toContain('wasap_webhooks_duplicate_total{kind="message"} 50');
    expect(metrics).toMatch(/wasap_actors_live \d+/);
    expect(metrics).toMatch(/wasap_actor_mailbox_depth \d+/);
  });
});

describe('Twilio webhooks: refusals', () => {
  test('a wrong or missing signature is 403 and stores nothing; an envelope that cannot be routed is 400 naming the field', async () => {
    await using s = await setup('pglite');
    const params = inboundParams(s.fake, phone(1), 'hola');
    expect((await s.post('/webhooks/twilio', params, 'bm90IHRoZSBzaWduYXR1cmU=')).status).toBe(403);
    const unsigned = await s.t.request('/webhooks/twilio', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(unsigned.status).toBe(403);
    const { From: _from, ...noFrom } = params;
    const missing = await s.post('/webhooks/twilio', noFrom);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { field: 'From' } });
    const badSid = await s.post('/webhooks/twilio', { ...params, MessageSid: 'SM123' });
    expect(badSid.status).toBe(400);
    expect(((await badSid.json()) as { error: { field: string } }).error.field).toBe('MessageSid');
    // The content of a signed message is never a reason to refuse it (test/message-kinds.test).
    expect(await s.t.database.db.select().from(inboundEvents)).toEqual([]);
  });
});

describe.each(drivers)('outbound on %s', (driver) => {
  test('a reply that gets 500 twice then 201 is sent exactly once; out-of-order callbacks end at the furthest', async () => {
    await using s = await setup(driver);
    const user = await addUser(s.t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    const to = phone(7);
    expect((await s.post('/webhooks/twilio', inboundParams(s.fake, to, 'Hola'))).status).toBe(200);
    s.fake.respondWith(inSequence(500, 500));
    const reply = await s.t.services.conversations.reply(to, { userId: user.id, body: 'Hola Valentina 👋' });
    expect(reply.ok).toBe(true);
    const [sent] = await s.fake.waitForMessages(1);
    await settle(s.t, to);
    expect(s.fake.requests).toHaveLength(3);
    expect(new Set(s.fake.requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(s.fake.messages).toHaveLength(1);
    expect(sent).toMatchObject({ to: `whatsapp:${to}`, body: 'Hola Valentina 👋', statusCallback: 'https://wasap.test/webhooks/twilio/status' });
    const [row] = await s.t.database.db.select().from(outbox);
    expect(row).toMatchObject({ state: 'sent', attempts: 3, providerSid: sent!.sid });
    for (const status of ['delivered', 'sent', 'read', 'queued']) {
      expect((await s.post('/webhooks/twilio/status', statusParams(s.fake, sent!.sid, to, status))).status).toBe(200);
    }
    await settle(s.t, to);
    const [message] = await s.t.database.db.select().from(messages).where(eq(messages.id, reply.messageId!));
    expect(message).toMatchObject({ status: 'read', providerSid: sent!.sid });
  });

  test('63016 is recorded as failed with its reason and the conversation needs attention', async () => {
    await using s = await setup(driver);
    const user = await addUser(s.t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    const to = phone(8);
    await s.post('/webhooks/twilio', inboundParams(s.fake, to, 'Hola'));
    s.fake.respondWith(inSequence({ status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' }));
    const reply = await s.t.services.conversations.reply(to, { userId: user.id, body: 'hola' });
    await settle(s.t, to);
    await s.t.services.conversations.registry.ask(to, () => null);
    const [message] = await s.t.database.db.select().from(messages).where(eq(messages.id, reply.messageId!));
    expect(message).toMatchObject({ status: 'failed', errorCode: 63016 });
    // Twilio's own words are kept; the recruiter's plain reason comes from the code (inbox.delivery.errors).
    expect(message?.errorMessage).toBe('Failed to send freeform message because you are outside the allowed window.');
    const [conversation] = await s.t.database.db.select().from(conversations);
    expect(conversation?.status).toBe('needs_attention');
    expect(s.fake.messages).toHaveLength(0);
    expect(await (await s.t.request('/metrics')).text()).toContain('wasap_outbox_failed_total 1');
  });

  test('STOP opts out: confirmed once, the next reply is refused and nothing more reaches Twilio; ALTA is confirmed too', async () => {
    await using s = await setup(driver);
    const user = await addUser(s.t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
    const to = phone(9);
    await s.post('/webhooks/twilio', inboundParams(s.fake, to, 'Hola'));
    await s.post('/webhooks/twilio', inboundParams(s.fake, to, 'STOP'));
    const refused = await s.t.services.conversations.reply(to, { userId: user.id, body: '¿Sigues ahí?' });
    expect(refused).toMatchObject({ ok: false, code: 'OPTED_OUT' });
    await s.post('/webhooks/twilio', inboundParams(s.fake, to, 'ALTA'));
    expect((await s.t.services.conversations.reply(to, { userId: user.id, body: 'Bienvenida de nuevo' })).ok).toBe(true);
    await s.fake.waitForMessages(3);
    expect(s.fake.messages.map((m) => m.body)).toEqual([DEFAULT_OPT_NOTICES.opted_out.es, DEFAULT_OPT_NOTICES.opted_in.es, 'Bienvenida de nuevo']);
  });
});

describe('webhook bodies that are not Twilio', () => {
  test('a webhook without a signature is refused before its body is read; a form of thousands of fields is refused before it is sorted', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += 16_384;
          controller.enqueue(new Uint8Array(16_384).fill(0x61));
        },
      },
      { highWaterMark: 0 },
    );
    const unsigned = await t.request('/webhooks/twilio', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(MAX_INBOUND_BYTES - 1) },
      body: endless,
    });
    expect(unsigned.status).toBe(403);
    expect(pulled).toBe(0);
    const many = Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `k${i}=`).join('&');
    expect(() => parseForm(many)).toThrow(/more than 512 fields/);
    const signedMany = await t.request('/webhooks/twilio', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' }, body: many });
    expect(signedMany.status).toBe(413);
    // Twilio's own forms are far below it.
    expect(Object.keys(parseForm(Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `k${i}=v`).join('&')))).toHaveLength(MAX_FORM_FIELDS);
  });
});
