/**
 * @module test/providers/meta-webhook-security.test — the door of Meta's webhook, through app.handle on a server with
 * WHATSAPP_PROVIDER=meta: X-Hub-Signature-256 over the raw body (HMAC-SHA256 with the app secret) and the subscribe
 * handshake, as Meta's "Webhooks: Getting started" describes them; what is refused stores nothing, what is signed but
 * not ours is acknowledged and dropped, a batch is stored whole and in order, and a repeat stores nothing new.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import { inboundEvents, messages } from '../../server/db/schema';
import { metaChange, metaTextMessage, metaWebhook } from '../../server/whatsapp/meta/fixtures';
import { signMetaBody } from '../../server/whatsapp/meta/signature';
import { drivers, type Driver } from '../support/db';
import { bsuidOf, freshWamid, metaDriver, postMetaBody } from '../support/provider-driver';
import { scenarioApp, settle, storedCounts, type Scenario } from './scenario-app';

const NOTHING = { inboundEvents: 0, messages: 0, aspirants: 0, media: 0 };
const HER = '+573001250001';
const OTHER = '+573001250002';

function text(from: string, body: string, phoneNumberId?: string) {
  const message = metaTextMessage({ from, bsuid: bsuidOf(from), id: freshWamid(), body });
  return JSON.stringify(metaWebhook(metaChange({ messages: [message], ...(phoneNumberId ? { phoneNumberId } : {}) })));
}

/** A Meta server without the bot: only what the webhook itself stores is counted. */
function app(database: Driver = 'pglite'): Promise<Scenario> {
  return scenarioApp(metaDriver, database, { bot: false });
}

function post(s: Scenario, raw: string, signature?: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature ?? signMetaBody(metaDriver.appSecret, raw);
  return s.t.request('/webhooks/meta', { method: 'POST', headers, body: raw });
}

describe('Meta webhook security', () => {
  test('a POST whose signature is wrong, missing, for a changed byte or for another secret is 403 and stores nothing', async () => {
    await using s = await app();
    const raw = text(HER, 'Hola, quiero ser modelo');
    const changed = raw.replace('Hola', 'Hole');
    expect(changed).not.toBe(raw);
    expect(changed.length).toBe(raw.length);
    const cases: [string, string, string | null][] = [
      ['wrong signature', raw, `sha256=${'0'.repeat(64)}`],
      ['missing header', raw, null],
      ['body changed after signing (one byte)', changed, signMetaBody(metaDriver.appSecret, raw)],
      ['signature for another secret', raw, signMetaBody('another-app-secret-0123456789', raw)],
      ['the older SHA-1 header form', raw, `sha1=${'a'.repeat(40)}`],
      ['a signature of nothing', raw, 'sha256='],
    ];
    for (const [name, body, signature] of cases) {
      const response = await post(s, body, signature);
      expect({ name, status: response.status }).toEqual({ name, status: 403 });
      expect(await response.text()).toContain('X-Hub-Signature-256');
    }
    expect(await storedCounts(s.t)).toEqual(NOTHING);
    // The same body rightly signed is taken: the refusals above were the signature's alone.
    expect((await post(s, raw)).status).toBe(200);
    expect((await storedCounts(s.t)).inboundEvents).toBe(1);
  });

  test('the subscribe handshake: the right token echoes the challenge; a wrong token or mode is 403', async () => {
    await using s = await app();
    const ask = (mode: string, token: string, challenge = '1158201444') =>
      s.t.request(`/webhooks/meta?${new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge })}`);
    const right = await ask('subscribe', metaDriver.verifyToken);
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toStartWith('text/plain');
    expect(await right.text()).toBe('1158201444');
    expect((await ask('subscribe', `${metaDriver.verifyToken}x`)).status).toBe(403);
    expect((await ask('subscribe', '')).status).toBe(403);
    expect((await ask('unsubscribe', metaDriver.verifyToken)).status).toBe(403);
    expect((await s.t.request('/webhooks/meta')).status).toBe(403);
    // A challenge that is not a plain token is never echoed (it would be content of someone else's making).
    expect((await ask('subscribe', metaDriver.verifyToken, '<script>alert(1)</script>')).status).toBe(403);
  });

  test('a signed POST for another phone number id is acknowledged (200) and stores nothing', async () => {
    await using s = await app();
    const response = await post(s, text(HER, 'Hola', '999999999999999'));
    expect(response.status).toBe(200);
    await s.t.services.conversations.drain();
    expect(await storedCounts(s.t)).toEqual(NOTHING);
    expect(s.t.logs.some((l) => l.msg === 'meta webhook: part of an update not read' && l.field === 'metadata.phone_number_id')).toBe(true);
  });

  test('a signed body that is not JSON is 400 and stores nothing', async () => {
    await using s = await app();
    for (const raw of ['not json', '{"object":"whatsapp_business_account",', '\u00ff\u00fe']) {
      const response = await post(s, raw);
      expect(response.status).toBe(400);
    }
    const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]);
    const invalidUtf8 = await s.t.request('/webhooks/meta', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(metaDriver.appSecret, latin1) },
      body: latin1,
    });
    expect(invalidUtf8.status).toBe(400);
    expect(await storedCounts(s.t)).toEqual(NOTHING);
  });

  test('Twilio’s webhook paths on a Meta server are 404 naming the provider in use, and store nothing', async () => {
    await using s = await app();
    for (const [method, path] of [
      ['POST', '/webhooks/twilio'],
      ['POST', '/webhooks/twilio/status'],
      ['GET', '/webhooks/twilio'],
    ] as const) {
      const response = await s.t.request(path, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'MessageSid=SM1&Body=hola' } : {}) });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.text()).toContain('WHATSAPP_PROVIDER=meta');
    }
    expect(await storedCounts(s.t)).toEqual(NOTHING);
  });
});

describe.each(drivers)('Meta webhook batches on %s', (database) => {
  test('a batch of 3 messages from 2 aspirants is stored whole and in order; the same POST again stores nothing new', async () => {
    await using s = await app(database);
    const batch = [
      metaTextMessage({ from: HER, bsuid: bsuidOf(HER), id: freshWamid(), body: 'uno' }),
      metaTextMessage({ from: OTHER, bsuid: bsuidOf(OTHER), id: freshWamid(), body: 'otra' }),
      metaTextMessage({ from: HER, bsuid: bsuidOf(HER), id: freshWamid(), body: 'dos' }),
    ];
    const raw = JSON.stringify(metaWebhook(metaChange({ messages: batch })));
    expect((await postMetaBody(s.t, raw, metaDriver.appSecret)).status).toBe(200);
    await settle(s.t, HER);
    await settle(s.t, OTHER);
    const events = await s.t.database.db.select({ sid: inboundEvents.providerSid, key: inboundEvents.conversationKey }).from(inboundEvents).orderBy(asc(inboundEvents.id));
    // Stored whole; each aspirant's in the order Meta sent them (server/db/batch-insert orders a conversation's rows,
    // not two conversations' against each other).
    const ids = batch.map((b) => String(b.message.id));
    expect(events.filter((e) => e.key === HER).map((e) => e.sid)).toEqual([ids[0]!, ids[2]!]);
    expect(events.filter((e) => e.key === OTHER).map((e) => e.sid)).toEqual([ids[1]!]);
    expect(events).toHaveLength(3);
    // Her messages in that order too (two actors may commit in either order).
    const stored = await s.t.database.db
      .select({ conversationId: messages.conversationId, body: messages.body, sid: messages.providerSid })
      .from(messages)
      .where(eq(messages.sender, 'aspirant'))
      .orderBy(asc(messages.id));
    const byConversation = [...Map.groupBy(stored, (m) => m.conversationId).values()].map((list) => list.map((m) => m.body)).sort((a, b) => b.length - a.length);
    expect(byConversation).toEqual([['uno', 'dos'], ['otra']]);
    expect(stored.map((m) => m.sid).sort()).toEqual([...ids].sort());
    const before = await storedCounts(s.t);
    expect(before).toMatchObject({ inboundEvents: 3, messages: 3 });

    expect((await postMetaBody(s.t, raw, metaDriver.appSecret)).status).toBe(200);
    await settle(s.t, HER);
    await settle(s.t, OTHER);
    expect(await storedCounts(s.t)).toEqual(before);
  });
});
