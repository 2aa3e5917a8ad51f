/** @module test/fake-twilio.test — the Twilio sender against the fake Twilio API: what goes over the wire and how failures classify. */
import { afterEach, describe, expect, test } from 'bun:test';
import twilio from 'twilio';
import { SendError } from '../server/whatsapp/send-errors';
import { verifyTwilioSignature } from '../server/whatsapp/signature';
import { createTwilioSender, rebaseUri, type OutboundMessage, type SentQuery, type TwilioSenderOptions } from '../server/whatsapp/twilio-sender';
import { inSequence, rfc2822, startFakeTwilio, type FakeTwilio } from './support/fake-twilio';

const FROM = 'whatsapp:+14155238886';
const STATUS_CALLBACK = 'https://wasap.example.co/webhooks/twilio/status';

let fake: FakeTwilio;

afterEach(async () => {
  await fake?.stop();
});

function senderFor(twilio: FakeTwilio, overrides: Partial<TwilioSenderOptions> = {}) {
  return createTwilioSender({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: FROM,
    apiUrl: twilio.url,
    statusCallbackUrl: STATUS_CALLBACK,
    ...overrides,
  });
}

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { to: '+573001234567', body: 'Hola Valentina, gracias por escribirnos', idempotencyKey: 'outbox-1-attempt', ...overrides };
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => new Error('expected the send to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof SendError)) throw error;
  return error;
}

describe('twilio sender against the fake Twilio', () => {
  test('sends To=whatsapp:+E164, From, Body and StatusCallback with basic auth', async () => {
    fake = startFakeTwilio();
    const result = await senderFor(fake).send(message());
    const [recorded] = await fake.waitForMessages(1);
    expect(result).toEqual({ sid: recorded!.sid, status: 'queued' });
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(recorded).toEqual({
      sid: result.sid,
      accountSid: fake.accountSid,
      to: 'whatsapp:+573001234567',
      from: FROM,
      body: 'Hola Valentina, gracias por escribirnos',
      mediaUrl: [],
      statusCallback: STATUS_CALLBACK,
      idempotencyKey: 'outbox-1-attempt',
    });
    expect(fake.requests.map((r) => r.authorized)).toEqual([true]);
  });

  test('sends a template with its variables, media URLs and a Messaging Service', async () => {
    fake = startFakeTwilio();
    const sender = senderFor(fake, { from: undefined, messagingServiceSid: 'MG' + '1a'.repeat(16), statusCallbackUrl: undefined });
    await sender.send(message({ body: undefined, template: { ref: 'HX' + '2b'.repeat(16), variables: { 1: 'Valentina', 2: 'mañana' } } }));
    await sender.send(message({ mediaUrl: ['https://wasap.example.co/m/1.jpg', 'https://wasap.example.co/m/2.jpg'], idempotencyKey: 'k2' }));
    const [template, media] = await fake.waitForMessages(2);
    expect(template).toMatchObject({ contentSid: 'HX' + '2b'.repeat(16), messagingServiceSid: 'MG' + '1a'.repeat(16) });
    expect(JSON.parse(template!.contentVariables!)).toEqual({ 1: 'Valentina', 2: 'mañana' });
    expect(template!.from).toBeUndefined();
    expect(template!.statusCallback).toBeUndefined();
    expect(media!.mediaUrl).toEqual(['https://wasap.example.co/m/1.jpg', 'https://wasap.example.co/m/2.jpg']);
  });

  test('the idempotency header arrives on every attempt, per call, under concurrency', async () => {
    fake = startFakeTwilio();
    fake.respondWith(inSequence(500));
    const sender = senderFor(fake);
    await sendError(sender.send(message({ idempotencyKey: 'retry-me' })));
    await Promise.all([sender.send(message({ idempotencyKey: 'retry-me' })), sender.send(message({ idempotencyKey: 'other', body: 'otro' }))]);
    expect(fake.requests.map((r) => r.idempotencyKey).sort()).toEqual(['other', 'retry-me', 'retry-me']);
    expect(fake.messages.find((m) => m.body === 'otro')?.idempotencyKey).toBe('other');
  });

  test('500, 500 then 201: two transient SendErrors, then success', async () => {
    fake = startFakeTwilio();
    fake.respondWith(inSequence(500, 500, 201));
    const sender = senderFor(fake);
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      outcomes.push(await sender.send(message()).catch((e: unknown) => e));
    }
    const [first, second, third] = outcomes;
    for (const failure of [first, second]) {
      expect(failure).toBeInstanceOf(SendError);
      expect(failure).toMatchObject({ code: 'SEND_FAILED', permanent: false, status: 500, providerCode: 20500 });
    }
    expect(third).toMatchObject({ status: 'queued' });
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });

  test('429 is transient', async () => {
    fake = startFakeTwilio();
    fake.respondWith(inSequence(429));
    expect(await sendError(senderFor(fake).send(message()))).toMatchObject({ permanent: false, status: 429 });
  });

  test("63016 is permanent, with Twilio's words and the code apart (the view explains the code)", async () => {
    fake = startFakeTwilio();
    fake.respondWith(inSequence({ status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' }));
    const error = await sendError(senderFor(fake).send(message()));
    expect(error).toMatchObject({
      code: 'SEND_FAILED',
      permanent: true,
      status: 400,
      providerCode: 63016,
      reason: 'Failed to send freeform message because you are outside the allowed window.',
    });
    expect(error.message).toBe(error.reason);
  });

  test("21211 (invalid 'To') is permanent, with Twilio's words", async () => {
    fake = startFakeTwilio();
    fake.respondWith(function refuse(request) {
      return request.params.To === 'whatsapp:+573001234567' ? { status: 400, code: 21211 } : undefined;
    });
    expect(await sendError(senderFor(fake).send(message()))).toMatchObject({ permanent: true, providerCode: 21211, reason: "The 'To' number is not a valid phone number." });
  });

  test('wrong credentials are permanent (20003)', async () => {
    fake = startFakeTwilio();
    const error = await sendError(senderFor(fake, { authToken: 'wrong' }).send(message()));
    expect(error).toMatchObject({ permanent: true, status: 401, providerCode: 20003 });
    expect(fake.requests.map((r) => r.authorized)).toEqual([false]);
  });

  test('an unreachable Twilio is transient', async () => {
    fake = startFakeTwilio();
    const closedUrl = fake.url;
    await fake.stop();
    const error = await sendError(senderFor(fake, { apiUrl: closedUrl }).send(message()));
    expect(error.permanent).toBe(false);
    expect(error.status).toBeUndefined();
    expect(error.reason).toContain('Could not reach Twilio');
  });

  test('a Twilio that does not answer in time is transient and ambiguous (it may have the message)', async () => {
    fake = startFakeTwilio();
    const held = Promise.withResolvers<undefined>();
    const arrived = Promise.withResolvers<void>();
    fake.respondWith(function hold() {
      arrived.resolve();
      return held.promise;
    });
    const error = await sendError(senderFor(fake, { timeoutMs: 100 }).send(message()));
    await arrived.promise;
    held.resolve(undefined);
    expect(error).toMatchObject({ permanent: false, ambiguous: true, reason: 'Twilio did not answer in time: the message will be checked with Twilio, then retried if it did not arrive' });
  });

  test('refuses locally, without calling Twilio, a non-E.164 recipient or an empty message', async () => {
    fake = startFakeTwilio();
    const sender = senderFor(fake);
    expect(await sendError(sender.send(message({ to: '3001234567' })))).toMatchObject({ permanent: true });
    expect(await sendError(sender.send(message({ body: '' })))).toMatchObject({ permanent: true });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('fake Twilio media and status callbacks', () => {
  test('media needs basic auth, and can redirect like Twilio does', async () => {
    fake = startFakeTwilio();
    const auth = { authorization: 'Basic ' + btoa(`${fake.accountSid}:${fake.authToken}`) };
    const direct = fake.addMedia('jpeg-bytes', 'image/jpeg');
    const redirected = fake.addMedia(new Uint8Array([1, 2, 3]), 'application/pdf', { redirect: true });
    expect((await fetch(direct)).status).toBe(401);
    const ok = await fetch(direct, { headers: auth });
    expect([ok.status, ok.headers.get('content-type'), await ok.text()]).toEqual([200, 'image/jpeg', 'jpeg-bytes']);
    const followed = await fetch(redirected, { headers: auth });
    expect([followed.status, followed.redirected, new Uint8Array(await followed.arrayBuffer())]).toEqual([200, true, new Uint8Array([1, 2, 3])]);
  });

  test('sendStatus posts a signed callback to the StatusCallback URL', async () => {
    const received = Promise.withResolvers<{ params: Record<string, string>; signature: string | null }>();
    await using app = {
      server: Bun.serve({
        hostname: '127.0.0.1',
        port: 0,
        async fetch(request) {
          received.resolve({ params: Object.fromEntries(new URLSearchParams(await request.text())), signature: request.headers.get('x-twilio-signature') });
          return new Response(null, { status: 204 });
        },
      }),
      async [Symbol.asyncDispose]() {
        await this.server.stop(true);
      },
    };
    const callbackUrl = `http://127.0.0.1:${app.server.port}/webhooks/twilio/status`;
    fake = startFakeTwilio();
    const { sid } = await senderFor(fake, { statusCallbackUrl: callbackUrl }).send(message());
    expect((await fake.sendStatus(sid, 'delivered')).status).toBe(204);
    const { params, signature } = await received.promise;
    expect(params).toMatchObject({ MessageSid: sid, MessageStatus: 'delivered', To: 'whatsapp:+573001234567' });
    expect(verifyTwilioSignature(fake.authToken, signature, callbackUrl, params)).toBe(true);
  });
});

/** A clock for the fake that the test moves; starts at a whole second, as Twilio's dates are. */
function manualClock(start = new Date('2026-11-27T03:12:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    at: (offsetMs: number) => new Date(start.getTime() + offsetMs),
    advance(ms: number) {
      now += ms;
    },
  };
}

async function findSent(sender: ReturnType<typeof createTwilioSender>, query: SentQuery) {
  if (!sender.findSent) throw new Error('createTwilioSender should provide findSent');
  return sender.findSent(query);
}

describe('findSent: reconciling a send that may already have gone out', () => {
  const TO = '+573001234567';

  test('finds the sid of the message with that body, listing To and From without a DateSent filter', async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const sender = senderFor(fake);
    const first = await sender.send(message({ body: 'Primera', idempotencyKey: 'a' }));
    clock.advance(5_000);
    const second = await sender.send(message({ body: 'Segunda', idempotencyKey: 'b' }));
    expect(await findSent(sender, { to: TO, body: 'Primera', since: clock.at(0) })).toEqual({ sid: first.sid, status: 'queued' });
    expect(await findSent(sender, { to: TO, body: 'Segunda', since: clock.at(0) })).toEqual({ sid: second.sid, status: 'queued' });
    expect(fake.listRequests.map((r) => r.query)).toEqual([
      { To: 'whatsapp:' + TO, From: FROM, PageSize: '50' },
      { To: 'whatsapp:' + TO, From: FROM, PageSize: '50' },
    ]);
    expect(fake.listRequests.every((r) => r.authorized)).toBe(true);
  });

  test('a body never sent, or a message to someone else, is not found', async () => {
    fake = startFakeTwilio();
    const sender = senderFor(fake);
    const since = new Date(Date.now() - 1_000);
    await sender.send(message({ to: '+573009999999', body: 'Hola' }));
    await sender.send(message({ body: 'Otra cosa' }));
    expect(await findSent(sender, { to: TO, body: 'Hola', since })).toBeNull();
    expect(await findSent(sender, { to: TO, body: 'Nunca enviado', since })).toBeNull();
  });

  test('a message created before `since` (beyond 60 s of clock skew) is not the one', async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const sender = senderFor(fake);
    const { sid } = await sender.send(message({ body: 'Hola' }));
    expect(await findSent(sender, { to: TO, body: 'Hola', since: clock.at(60_000) })).toMatchObject({ sid });
    expect(await findSent(sender, { to: TO, body: 'Hola', since: clock.at(61_000) })).toBeNull();
  });

  test('the same text sent twice: the newest is returned', async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const sender = senderFor(fake);
    await sender.send(message({ body: 'Hola', idempotencyKey: 'a' }));
    clock.advance(3_000);
    const newer = await sender.send(message({ body: 'Hola', idempotencyKey: 'b' }));
    expect(await findSent(sender, { to: TO, body: 'Hola', since: clock.at(0) })).toMatchObject({ sid: newer.sid });
  });

  test('a template matches any outbound message in the window, whatever its rendered body', async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const sender = senderFor(fake);
    const { sid } = await sender.send(message({ body: undefined, template: { ref: 'HX' + '2b'.repeat(16), variables: { 1: 'Valentina' } } }));
    const template = { to: TO, templateRef: 'HX' + '2b'.repeat(16), body: 'ignored for templates' };
    expect(await findSent(sender, { ...template, since: clock.at(0) })).toMatchObject({ sid });
    expect(await findSent(sender, { ...template, since: clock.at(120_000) })).toBeNull();
  });

  test('with a Messaging Service it lists without From', async () => {
    fake = startFakeTwilio();
    const sender = senderFor(fake, { from: undefined, messagingServiceSid: 'MG' + '1a'.repeat(16) });
    const { sid } = await sender.send(message({ body: 'Hola' }));
    expect(await findSent(sender, { to: TO, body: 'Hola', since: new Date(Date.now() - 1_000) })).toMatchObject({ sid });
    expect(fake.listRequests[0]?.query).toEqual({ To: 'whatsapp:' + TO, PageSize: '50' });
  });

  test('failures are SendErrors: 5xx transient, bad credentials permanent', async () => {
    fake = startFakeTwilio();
    fake.respondToListsWith(function failOnce(request) {
      return fake.listRequests.indexOf(request) === 0 ? 503 : undefined;
    });
    const query = { to: TO, body: 'Hola', since: new Date() };
    expect(await sendError(findSent(senderFor(fake), query))).toMatchObject({ permanent: false, status: 503 });
    expect(await findSent(senderFor(fake), query)).toBeNull();
    expect(await sendError(findSent(senderFor(fake, { authToken: 'wrong' }), query))).toMatchObject({ permanent: true, status: 401, providerCode: 20003 });
    expect(fake.listRequests.map((r) => r.authorized)).toEqual([true, true, false]);
  });
});

describe('fake Twilio message list', () => {
  class ToFake extends twilio.RequestClient {
    constructor(private readonly base: string) {
      super();
    }

    override request<TData>(opts: Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData }) {
      return super.request<TData>({ ...opts, uri: rebaseUri(opts.uri, this.base) });
    }
  }

  test('the twilio client reads every page, newest first, by following next_page_uri', async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const sender = senderFor(fake);
    const sids: string[] = [];
    for (const body of ['uno', 'dos', 'tres']) {
      sids.push((await sender.send(message({ body }))).sid);
      clock.advance(1_000);
    }
    const client = twilio(fake.accountSid, fake.authToken, { httpClient: new ToFake(fake.url) });
    const listed = await client.messages.list({ to: 'whatsapp:+573001234567', pageSize: 2 });
    expect(listed.map((m) => [m.sid, m.body, m.direction, m.status])).toEqual([
      [sids[2]!, 'tres', 'outbound-api', 'queued'],
      [sids[1]!, 'dos', 'outbound-api', 'queued'],
      [sids[0]!, 'uno', 'outbound-api', 'queued'],
    ]);
    expect(listed.map((m) => m.dateCreated)).toEqual([clock.at(2_000), clock.at(1_000), clock.at(0)]);
    expect(listed[0]!.dateSent).toBeNull();
    expect(fake.listRequests.map((r) => r.query.Page ?? '0')).toEqual(['0', '1']);
  });

  test("Twilio's page shape; a DateSent filter misses queued messages", async () => {
    const clock = manualClock();
    fake = startFakeTwilio({ now: clock.now });
    const { sid } = await senderFor(fake).send(message());
    const base = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`;
    const auth = { authorization: 'Basic ' + btoa(`${fake.accountSid}:${fake.authToken}`) };
    expect((await fetch(`${base}?PageSize=1`)).status).toBe(401);
    const page = await (await fetch(`${base}?To=whatsapp%3A%2B573001234567&PageSize=1`, { headers: auth })).json();
    expect(page).toMatchObject({ page: 0, page_size: 1, start: 0, end: 0, next_page_uri: null, previous_page_uri: null });
    expect(page.messages).toEqual([
      expect.objectContaining({ sid, to: 'whatsapp:+573001234567', from: FROM, date_created: rfc2822(clock.at(0)), date_sent: null, direction: 'outbound-api', num_segments: '1' }),
    ]);
    expect(rfc2822(clock.at(0))).toBe('Fri, 27 Nov 2026 03:12:00 +0000');
    const filtered = await (await fetch(`${base}?${new URLSearchParams({ 'DateSent>': '2026-11-27T00:00:00Z' })}`, { headers: auth })).json();
    expect(filtered.messages).toEqual([]);
  });
});
