/** @module test/fake-graph.test — the Meta client against the fake Graph API: what goes over the wire, how each failure classifies, and an ambiguous send found again through its status webhook. */
import { afterEach, describe, expect, test } from 'bun:test';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createMetaClient, type MetaClientOptions } from '../server/whatsapp/meta/client';
import { parseMetaWebhook } from '../server/whatsapp/meta/inbound';
import type { OutboundMessage, StatusUpdate } from '../server/whatsapp/port';
import { SendError } from '../server/whatsapp/send-errors';
import { startFakeGraph, type FakeGraph } from './support/fake-graph';

let fake: FakeGraph;
afterEach(async () => {
  await fake?.stop();
});

function clientFor(graph: FakeGraph, overrides: Partial<MetaClientOptions> = {}) {
  return createMetaClient({
    accessToken: graph.accessToken,
    phoneNumberId: graph.phoneNumberId,
    wabaId: graph.wabaId,
    graphUrl: graph.url,
    receipts: async () => null,
    mediaMaxBytes: 1_000,
    ...overrides,
  });
}

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { to: '+573001234567', body: 'Hola Valentina, gracias por escribirnos', idempotencyKey: 'outbox-1', ...overrides };
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => new Error('expected the send to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof SendError)) throw error;
  return error;
}

describe('Meta client sends through the fake Graph API', () => {
  test('text: POST /{version}/{phone-number-id}/messages with the bearer token; the wamid comes back as the sid', async () => {
    fake = startFakeGraph();
    const result = await clientFor(fake).send(message());
    const [sent] = await fake.waitForMessages(1);
    expect(result).toEqual({ sid: sent!.wamid!, status: 'accepted' });
    expect(result.sid).toStartWith('wamid.');
    expect(sent).toMatchObject({ phoneNumberId: fake.phoneNumberId, authorized: true });
    expect(sent!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '573001234567',
      biz_opaque_callback_data: 'outbox-1',
      type: 'text',
      text: { body: 'Hola Valentina, gracias por escribirnos', preview_url: false },
    });
  });

  test('media by link, a template with variables, and a BSUID recipient are taken as Meta takes them', async () => {
    fake = startFakeGraph();
    const client = clientFor(fake);
    await client.send(message({ body: 'Tu foto', mediaUrl: ['https://wasap.example.co/m/9/foto.jpg'], idempotencyKey: 'k-media' }));
    await client.send(message({ body: undefined, template: { ref: 'recordatorio:es_CO', variables: { '2': 'lunes', '1': 'Valentina' } }, idempotencyKey: 'k-template' }));
    await client.send(message({ to: 'CO.1502576394655843', body: 'hola', idempotencyKey: 'k-bsuid' }));
    const [media, template, bsuid] = (await fake.waitForMessages(3)).map((m) => m.body!);
    expect(media).toMatchObject({ type: 'image', image: { link: 'https://wasap.example.co/m/9/foto.jpg', caption: 'Tu foto' }, biz_opaque_callback_data: 'k-media' });
    expect(template).toMatchObject({
      type: 'template',
      template: {
        name: 'recordatorio',
        language: { code: 'es_CO' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Valentina' },
              { type: 'text', text: 'lunes' },
            ],
          },
        ],
      },
    });
    expect(bsuid).toMatchObject({ recipient: 'CO.1502576394655843', type: 'text' });
    expect(bsuid).not.toHaveProperty('to');
  });

  test('a wrong token is Meta’s 401 with code 190: final, and its reason never holds the token', async () => {
    fake = startFakeGraph();
    const error = await sendError(clientFor(fake, { accessToken: 'EAAGwrong' }).send(message()));
    expect(error).toMatchObject({ permanent: true, ambiguous: false, providerCode: 190, status: 401 });
    expect(error.reason).not.toContain('EAAGwrong');
    expect(fake.messages).toEqual([]);
    expect(fake.requests.map((r) => r.authorized)).toEqual([false]);
  });

  test.each([
    [131047, 'outside the window'],
    [131026, 'undeliverable'],
    [132001, 'template missing'],
    [131049, 'healthy ecosystem'],
  ])('%i (%s) is final', async (code) => {
    fake = startFakeGraph();
    fake.failNext(1, { status: 400, code, details: 'Meta’s details' });
    const error = await sendError(clientFor(fake).send(message()));
    expect(error).toMatchObject({ permanent: true, ambiguous: false, providerCode: code, status: 400 });
    expect(error.reason).toContain('Meta’s details');
  });

  test('131056, the pair rate limit, is retried later (not final); the same key then goes through', async () => {
    fake = startFakeGraph();
    fake.failNext(1, { status: 400, code: 131056 });
    const client = clientFor(fake);
    expect(await sendError(client.send(message()))).toMatchObject({ permanent: false, ambiguous: false, providerCode: 131056 });
    await client.send(message());
    expect(fake.requests.map((r) => r.body?.biz_opaque_callback_data)).toEqual(['outbox-1', 'outbox-1']);
    expect(fake.messages).toHaveLength(1);
  });

  test('a 5xx is ambiguous: Meta may have created the message', async () => {
    fake = startFakeGraph();
    fake.failNext(1, { status: 500, code: 131000, accepted: true });
    expect(await sendError(clientFor(fake).send(message()))).toMatchObject({ permanent: false, ambiguous: true, providerCode: 131000, status: 500 });
    expect(fake.messages).toHaveLength(1);
  });

  test('no answer in time is ambiguous; a connection dropped after the request is too', async () => {
    fake = startFakeGraph();
    fake.failNext(1, { hang: true, accepted: true });
    fake.failNext(1, { drop: true, accepted: true });
    const client = clientFor(fake, { timeoutMs: 200 });
    expect(await sendError(client.send(message()))).toMatchObject({ permanent: false, ambiguous: true });
    expect(await sendError(client.send(message()))).toMatchObject({ permanent: false, ambiguous: true });
    expect(fake.messages).toHaveLength(2);
  });

  test('a refused connection never reached Meta: retried, not ambiguous', async () => {
    fake = startFakeGraph();
    const client = clientFor(fake);
    await fake.stop();
    const error = await sendError(client.send(message()));
    expect(error).toMatchObject({ permanent: false, ambiguous: false });
    expect(error.reason).toContain('ECONNREFUSED');
  });

  test('an unknown phone number id is Meta’s code 100: final', async () => {
    fake = startFakeGraph();
    expect(await sendError(clientFor(fake, { phoneNumberId: '999' }).send(message()))).toMatchObject({ permanent: true, providerCode: 100 });
  });
});

/** A webhook receiver that checks Meta's signature itself (node:crypto, not the fake's code) and reads statuses with the inbound parser. */
function statusReceiver(appSecret: string, phoneNumberId: string) {
  const receipts = new Map<string, string>();
  const bodies: unknown[] = [];
  const statuses: StatusUpdate[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const raw = await request.text();
      const expected = Buffer.from('sha256=' + createHmac('sha256', appSecret).update(raw).digest('hex'));
      const given = Buffer.from(request.headers.get('x-hub-signature-256') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return new Response('bad signature', { status: 401 });
      const body = JSON.parse(raw);
      bodies.push(body);
      // The key comes back as the parsed status's callbackData: what the server's receipts lookup reads.
      const parsed = parseMetaWebhook(body, { phoneNumberId });
      for (const status of parsed.statuses) if (status.callbackData) receipts.set(status.callbackData, status.messageSid);
      statuses.push(...parsed.statuses);
      return new Response('ok');
    },
  });
  return { url: `http://127.0.0.1:${server.port}/webhooks/meta`, receipts, bodies, statuses, [Symbol.asyncDispose]: () => server.stop(true) };
}

describe('an ambiguous send found again through its signed status webhook', () => {
  test('the fake signs X-Hub-Signature-256 over the raw body; the status carries our key; findSent finds the wamid', async () => {
    fake = startFakeGraph();
    const appSecret = 'app-secret-' + crypto.randomUUID();
    await using webhook = statusReceiver(appSecret, fake.phoneNumberId);
    let now = new Date('2026-12-01T10:00:00Z');
    const since = now;
    const client = clientFor(fake, { timeoutMs: 200, receipts: async (key) => webhook.receipts.get(key) ?? null, now: () => now });
    fake.failNext(1, { hang: true, accepted: true });
    expect(await sendError(client.send(message({ idempotencyKey: 'outbox-42' })))).toMatchObject({ ambiguous: true });
    const query = { to: '+573001234567', idempotencyKey: 'outbox-42', since };
    // Before the webhook: cannot tell yet.
    expect(await sendError(client.findSent(query))).toMatchObject({ ambiguous: true });
    const [created] = await fake.waitForMessages(1);
    expect((await fake.sendStatus(webhook.url, appSecret, created!.wamid!, 'sent')).status).toBe(200);
    expect(webhook.bodies[0]).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [{ id: fake.wabaId, changes: [{ field: 'messages', value: { statuses: [{ id: created!.wamid, status: 'sent', recipient_id: '573001234567' }] } }] }],
    });
    expect(webhook.statuses).toMatchObject([{ messageSid: created!.wamid, status: 'sent', callbackData: 'outbox-42', recipient: { phone: '+573001234567' } }]);
    now = new Date(now.getTime() + 10 * 60_000);
    expect(await client.findSent(query)).toEqual({ sid: created!.wamid!, status: 'sent' });
    // A wrong secret is refused by the receiver: the signature really covers the body.
    expect((await fake.sendStatus(webhook.url, 'other-secret', created!.wamid!, 'delivered')).status).toBe(401);
  });

  test('a message sent to a BSUID comes back with her BSUID as the recipient', async () => {
    fake = startFakeGraph();
    await using webhook = statusReceiver('app-secret-bsuid-0001', fake.phoneNumberId);
    const { sid } = await clientFor(fake).send(message({ to: 'CO.1502576394655843', idempotencyKey: 'outbox-43' }));
    expect((await fake.sendStatus(webhook.url, 'app-secret-bsuid-0001', sid, 'delivered')).status).toBe(200);
    expect(webhook.statuses).toMatchObject([{ messageSid: sid, status: 'delivered', callbackData: 'outbox-43', recipient: { bsuid: 'CO.1502576394655843' } }]);
    expect(webhook.statuses[0]!.recipient.phone).toBeUndefined();
  });
});
