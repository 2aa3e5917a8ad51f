/**
 * @module test/fuzz/twilio-webhooks.test — property-based fuzzing of POST /webhooks/twilio and /webhooks/twilio/status:
 * correctly signed bodies of every shape reach the parsers and the conversation system; unsigned and garbage bodies
 * stop at the edge. Never a 5xx, nothing logged at error level, and the server keeps answering.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { eq, inArray } from 'drizzle-orm';
import { aspirants, conversations } from '../../server/db/schema';
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { testApp, type TestApp } from '../support/app';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { AGENCY_NUMBER, PUBLIC_URL, twilioEnv } from '../support/twilio-env';
import { anyContentType, anyText, errorsLogged, expectStillServing, fuzzRequests, headerValue, request, runs, TRICKY } from './fuzz-support';

// Set up at load time, outside any hook's time limit (PGlite's start-up is slow on a busy machine).
const fake: FakeTwilio = startFakeTwilio();
const t: TestApp = await testApp('pglite', { env: twilioEnv(fake), overrides: { mediaRetryDelaysMs: [0, 0] } });
let disposed = false;

afterAll(async () => {
  if (!disposed) await t[Symbol.asyncDispose]();
  await fake.stop();
});

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const goodSid = fc.oneof(
  { arbitrary: hex32.map((hex) => `SM${hex}`), weight: 4 },
  hex32.map((hex) => `MM${hex}`),
);
const messageSid = fc.oneof({ arbitrary: goodSid, weight: 4 }, anyText);
/** A few hundred aspirants, so messages pile up in the same conversations as well as open new ones. */
const aspirant = fc.integer({ min: 0, max: 299 }).map((n) => `whatsapp:+5730000${String(n).padStart(5, '0')}`);
const address = fc.oneof({ arbitrary: aspirant, weight: 6 }, fc.constant(`whatsapp:${AGENCY_NUMBER}`), fc.stringMatching(/^whatsapp:\+\d{0,20}$/), fc.stringMatching(/^\+\d{8,15}$/), anyText);
const body = fc.oneof(
  { arbitrary: fc.constantFrom('Hola', 'STOP', 'BAJA', 'START', 'ayuda', '¿Cuánto pagan?', 'es seguro?', 'horario'), weight: 3 },
  { arbitrary: anyText, weight: 6 },
  fc.string({ minLength: 4090, maxLength: 4100 }),
);
/** Media URLs that fail fast and locally (no DNS): the fake's own 404s and a closed port. */
const mediaUrl = (): fc.Arbitrary<string> => fc.constantFrom(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`, 'http://127.0.0.1:9/media');
const contentType = fc.oneof(fc.constantFrom('image/jpeg', 'image/png', 'audio/ogg', 'video/mp4', 'application/pdf', 'text/vcard'), anyText);
const latitude = fc.double({ min: -90, max: 90, noNaN: true }).map(String);
const longitude = fc.double({ min: -180, max: 180, noNaN: true }).map(String);

const messageType = fc.oneof(fc.constantFrom('text', 'image', 'sticker', 'audio', 'video', 'document', 'location', 'contacts', 'interactive', 'button', 'reaction', 'system', 'unsupported'), anyText);

/** Optional parts of a well-formed message: its type, media, a location, a button or list reply, a reply context, a referral, forwarding. */
function extras(): fc.Arbitrary<Record<string, string>> {
  return fc
    .record(
      {
        media: fc.array(fc.tuple(mediaUrl(), contentType), { maxLength: 2 }).map((items) => ({
          NumMedia: String(items.length),
          ...Object.fromEntries(
            items.flatMap(([url, type], i) => [
              [`MediaUrl${i}`, url],
              [`MediaContentType${i}`, type],
            ]),
          ),
        })),
        location: fc.record({ Latitude: latitude, Longitude: longitude, Address: anyText, Label: anyText }, { requiredKeys: ['Latitude', 'Longitude'] }),
        type: fc.record({ MessageType: messageType }),
        button: fc.record({ ButtonText: anyText, ButtonPayload: anyText }),
        list: fc.record({ ListId: anyText, ListTitle: anyText, ListDescription: anyText }),
        reply: fc.record({ OriginalRepliedMessageSid: fc.oneof(goodSid, anyText), OriginalRepliedMessageSender: address }),
        forwarded: fc.record({ Forwarded: fc.constantFrom('true', 'false', 'TRUE', ''), FrequentlyForwarded: fc.constantFrom('true', 'false', 'x') }),
        referral: fc.record({ ReferralBody: anyText, ReferralSourceUrl: anyText, ReferralCtwaClid: anyText }),
        profile: fc.record({ ProfileName: anyText, WaId: fc.stringMatching(/^\d{1,20}$/) }),
      },
      { requiredKeys: [] },
    )
    .map((parts) => Object.assign({}, ...Object.values(parts)) as Record<string, string>);
}

/** One thing wrong, or odd, with an otherwise good message: a field replaced by anything, dropped, or a tricky extra. */
const INBOUND_FIELDS = [
  'MessageSid',
  'AccountSid',
  'From',
  'To',
  'Body',
  'NumMedia',
  'MediaUrl0',
  'MediaContentType0',
  'ProfileName',
  'WaId',
  'Latitude',
  'Longitude',
  'ButtonPayload',
  'OriginalRepliedMessageSid',
  'MessageType',
];
const mutation = fc.oneof(
  fc.record({ set: fc.oneof(fc.constantFrom(...INBOUND_FIELDS), fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 })), to: fc.oneof(anyText, address, messageSid) }),
  fc.record({ drop: fc.constantFrom(...INBOUND_FIELDS) }),
);

function inboundFields(): fc.Arbitrary<Record<string, string>> {
  const base = fc.record({ MessageSid: goodSid, AccountSid: fc.constant(fake.accountSid), From: aspirant, To: fc.constant(`whatsapp:${AGENCY_NUMBER}`), Body: body });
  return fc.tuple(base, extras(), fc.array(mutation, { maxLength: 2 })).map(([fields, more, mutations]) => {
    const message: Record<string, string> = { ...fields, ...more };
    for (const change of mutations) {
      if ('drop' in change) delete message[change.drop];
      else Object.defineProperty(message, change.set, { value: change.to, enumerable: true, configurable: true, writable: true });
    }
    return message;
  });
}

const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered', 'accepted', 'scheduled', 'SENT', 'Delivered', 'receiving', 'canceled'];

function statusFields(): fc.Arbitrary<Record<string, string>> {
  // Sids of messages really sent (the bot's welcomes, recorded by the fake) as well as unknown ones.
  const sentSid = fc.nat().map((n) => fake.messages.at(n % Math.max(1, fake.messages.length))?.sid ?? `SM${'0'.repeat(32)}`);
  return fc.record(
    {
      MessageSid: fc.oneof({ arbitrary: sentSid, weight: 4 }, messageSid),
      MessageStatus: fc.oneof({ arbitrary: fc.constantFrom(...STATUSES), weight: 4 }, fc.constantFrom(...TRICKY), anyText),
      SmsStatus: fc.oneof(fc.constantFrom(...STATUSES), anyText),
      AccountSid: fc.oneof(fc.constant(fake.accountSid), anyText),
      To: fc.oneof({ arbitrary: aspirant, weight: 4 }, address),
      From: fc.constant(`whatsapp:${AGENCY_NUMBER}`),
      ErrorCode: fc.oneof(fc.constantFrom('63016', '30008', '0', '1234567', '-1', '1e3'), anyText),
      ErrorMessage: anyText,
    },
    { requiredKeys: ['MessageSid'] },
  );
}

/** Signed exactly as Twilio signs: PUBLIC_URL + path and every field, as the server will decode them. */
function signed(path: string, fields: Record<string, string>): Request {
  const text = new URLSearchParams(fields).toString();
  // The signature covers what the server decodes (lone surrogates, for one, do not survive the encoding).
  const decoded = Object.fromEntries(new URLSearchParams(text));
  return request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(fake.authToken, PUBLIC_URL + path, decoded) },
    body: text,
  });
}

describe('Twilio webhooks under fuzzing', () => {
  test('signed inbound messages of any shape: never a 5xx', async () => {
    const seen = await fuzzRequests(t, inboundFields(), (fields) => signed('/webhooks/twilio', fields), runs(1000));
    // Both sides of the parser were reached: accepted messages (any content) and refused envelopes.
    seen.expectAtLeast({ 200: 300, 400: 100 });
  });

  test('signed status callbacks of any shape: never a 5xx', async () => {
    const seen = await fuzzRequests(t, statusFields(), (fields) => signed('/webhooks/twilio/status', fields), runs(3000));
    seen.expectAtLeast({ 200: 300, 400: 200 });
  });

  test('unsigned, mis-signed and garbage bodies with any content type: never a 5xx', async () => {
    const garbage = fc.record({
      path: fc.constantFrom('/webhooks/twilio', '/webhooks/twilio/status'),
      body: fc.oneof(
        anyText,
        fc.uint8Array({ maxLength: 300 }),
        inboundFields().map((fields) => new URLSearchParams(fields).toString()),
      ),
      type: anyContentType,
      signature: fc.option(fc.oneof(fc.base64String({ maxLength: 40 }), headerValue)),
      method: fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'GET'),
    });
    const seen = await fuzzRequests(
      t,
      garbage,
      ({ path, body, type, signature, method }) =>
        request(path, { method, headers: { 'content-type': type, ...(signature === null ? {} : { 'x-twilio-signature': signature }) }, body: method === 'GET' ? undefined : body }),
      runs(3000),
    );
    seen.expectAtLeast({ 400: 100, 403: 20 });
  });

  test('found by this fuzzing: a media type named like an Object property is kept as a file, not looked up (it dead-lettered, or previewed as "function Object()")', async () => {
    // A message without text in a conversation the bot has already greeted is previewed in the list by a label
    // looked up with the media type's first part in a plain object: `__proto__` found Object's prototype.
    const numbers: string[] = [];
    for (const [i, declared] of ['__proto__', 'constructor', 'toString/x', 'hasOwnProperty'].entries()) {
      const from = `+5731299900${i}0`;
      numbers.push(from);
      const base = { AccountSid: fake.accountSid, From: `whatsapp:${from}`, To: `whatsapp:${AGENCY_NUMBER}` };
      expect((await t.app.handle(signed('/webhooks/twilio', { ...base, MessageSid: `SM${'ab'.repeat(15)}0${i}`, Body: 'Hola' }))).status).toBe(200);
      await t.services.conversations.registry.ask(from, () => null);
      const media = { ...base, MessageSid: `MM${'ab'.repeat(15)}0${i}`, Body: '', NumMedia: '1', MediaUrl0: 'http://127.0.0.1:9/media', MediaContentType0: declared };
      expect((await t.app.handle(signed('/webhooks/twilio', media))).status).toBe(200);
      await t.services.conversations.registry.ask(from, () => null);
    }
    const previews = await t.database.db
      .select({ preview: conversations.lastMessagePreview })
      .from(conversations)
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(inArray(aspirants.whatsappId, numbers));
    expect(previews).toEqual(numbers.map(() => ({ preview: '📎 Document' })));
  });

  test('afterwards the server still answers, and once drained nothing was logged at error level', async () => {
    await expectStillServing(t);
    disposed = true;
    await t[Symbol.asyncDispose]();
    expect(errorsLogged(t)).toEqual([]);
  });
});
