/**
 * @module server/whatsapp/meta/inbound.fuzz.test — property-based fuzzing of parseMetaWebhook: a body of any JSON shape
 * returns (never throws); every message and status it returns has a usable envelope and storable text; each message
 * object sent ends in exactly one of messages, rejected or ignored; and a message whose envelope is sound is never
 * refused for its content, whatever its kind's object, context, referral or type hold.
 */
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { BSUID } from '../port';
import { isE164 } from '../phone';
import { MIME_TYPE, UNKNOWN_MEDIA_TYPE } from '../inbound-parse';
import { anyJson, anyText, runs, TRICKY } from '../../../test/fuzz/fuzz-support';
import { META_PHONE_NUMBER_ID, metaInboundWebhook, metaWamid } from './fixtures';
import { metaMediaId, parseMetaWebhook, type MetaWebhook } from './inbound';
import { MESSAGE_ID } from './inbound-message';
import { META_KINDS, type MetaKindName } from './kind-fixtures';

const opts = { phoneNumberId: META_PHONE_NUMBER_ID };

/** Every string in a value is well formed (no lone surrogate) and has no NUL: what Postgres stores. */
function storable(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed() && !value.includes('\u0000');
  if (Array.isArray(value)) return value.every(storable);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, item]) => storable(key) && storable(item));
  return true;
}

/** What every result must be, whatever the body. */
function expectSound(result: MetaWebhook): void {
  for (const message of result.messages) {
    expect(MESSAGE_ID.test(message.messageSid)).toBe(true);
    expect(Boolean(message.from.phone || message.from.bsuid)).toBe(true);
    if (message.from.phone) expect(isE164(message.from.phone)).toBe(true);
    if (message.from.bsuid) expect(BSUID.test(message.from.bsuid)).toBe(true);
    for (const item of message.media) {
      expect(metaMediaId(item.url)).not.toBeNull();
      expect(item.contentType === UNKNOWN_MEDIA_TYPE || MIME_TYPE.test(item.contentType)).toBe(true);
    }
    expect(typeof message.body).toBe('string');
  }
  for (const update of result.statuses) {
    expect(MESSAGE_ID.test(update.messageSid)).toBe(true);
    expect(['sent', 'delivered', 'read', 'failed']).toContain(update.status);
    expect(Boolean(update.recipient.phone || update.recipient.bsuid)).toBe(true);
  }
  for (const issue of [...result.rejected, ...result.ignored]) expect([typeof issue.where, typeof issue.field, typeof issue.message]).toEqual(['string', 'string', 'string']);
  expect(storable(result)).toBe(true);
}

const tricky = fc.constantFrom(...TRICKY);
const digits = fc.stringMatching(/^\+?\d{0,16}$/);
const bsuid = fc.oneof(fc.stringMatching(/^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,20}$/), anyText);
/** A value for any field: mostly plausible, sometimes anything. */
const field = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: anyJson, weight: 1 });
const kind = fc.constantFrom(
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'system',
  'order',
  'unsupported',
  'request_welcome',
);

const contact = fc.record({ profile: field(fc.record({ name: anyText, username: anyText }, { requiredKeys: [] })), wa_id: field(digits), user_id: field(bsuid) }, { requiredKeys: [] });
const message = fc.record(
  {
    id: field(
      fc.oneof(
        fc.integer().map((n) => metaWamid(n)),
        anyText,
      ),
    ),
    from: field(digits),
    from_user_id: field(bsuid),
    timestamp: field(fc.integer().map(String)),
    type: field(fc.oneof(kind, tricky)),
    text: field(fc.record({ body: anyText })),
    image: field(fc.record({ id: field(fc.stringMatching(/^\d{1,18}$/)), mime_type: anyText, caption: anyText }, { requiredKeys: [] })),
    location: field(fc.record({ latitude: field(fc.double()), longitude: field(fc.double()), name: anyText }, { requiredKeys: [] })),
    contacts: anyJson,
    interactive: anyJson,
    reaction: field(fc.record({ message_id: anyText, emoji: anyText }, { requiredKeys: [] })),
    context: field(fc.record({ id: anyText, from: digits, forwarded: fc.boolean(), frequently_forwarded: anyJson }, { requiredKeys: [] })),
    referral: anyJson,
    group_id: anyText,
  },
  { requiredKeys: [] },
);
const status = fc.record(
  {
    id: field(fc.integer().map((n) => metaWamid(n))),
    status: field(fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played', 'deleted', 'warning'), tricky)),
    recipient_id: field(digits),
    recipient_user_id: field(bsuid),
    errors: anyJson,
    pricing: anyJson,
    biz_opaque_callback_data: anyJson,
  },
  { requiredKeys: [] },
);
const change = fc.record({
  messages: fc.array(message, { maxLength: 4 }),
  statuses: fc.array(status, { maxLength: 3 }),
  contacts: fc.oneof(fc.array(contact, { maxLength: 3 }), anyJson),
});

describe('parseMetaWebhook under fuzzing', () => {
  test('property: a body of any JSON shape returns, never throws, and what it returns is sound', () => {
    const body = fc.oneof(
      anyJson,
      fc.record({ object: fc.constant('whatsapp_business_account'), entry: anyJson }),
      fc.record({ object: fc.constant('whatsapp_business_account'), entry: fc.array(fc.record({ changes: anyJson })) }),
    );
    fc.assert(
      fc.property(body, (value) => expectSound(parseMetaWebhook(value, opts))),
      { numRuns: runs(500) },
    );
  });

  test('property: each message object of our change ends in exactly one of messages, rejected or ignored', () => {
    fc.assert(
      fc.property(change, ({ messages, statuses, contacts }) => {
        const value = { messaging_product: 'whatsapp', metadata: { phone_number_id: META_PHONE_NUMBER_ID }, contacts, messages, statuses };
        const result = parseMetaWebhook({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value }] }] }, opts);
        expectSound(result);
        const about = (part: string) => [...result.rejected, ...result.ignored].filter((issue) => issue.where.includes(`.${part}[`)).length;
        expect(result.messages.length + about('messages')).toBe(messages.length);
        expect(result.statuses.length + about('statuses')).toBe(statuses.length);
      }),
      { numRuns: runs(400) },
    );
  });

  test('property: a message with a sound envelope is kept whatever its content holds', () => {
    const names = Object.keys(META_KINDS) as MetaKindName[];
    const mangled = fc.record({
      name: fc.constantFrom(...names),
      payload: anyJson,
      type: fc.option(fc.oneof(kind, anyText), { nil: undefined }),
      context: fc.option(anyJson, { nil: undefined }),
      referral: fc.option(anyJson, { nil: undefined }),
    });
    fc.assert(
      fc.property(mangled, ({ name, payload, type, context, referral }) => {
        const inbound = META_KINDS[name]();
        const kindName = String(inbound.message.type);
        inbound.message[kindName] = payload as never;
        if (type !== undefined) inbound.message.type = type;
        if (context !== undefined) inbound.message.context = context as never;
        if (referral !== undefined) inbound.message.referral = referral as never;
        const result = parseMetaWebhook(metaInboundWebhook(inbound), opts);
        expectSound(result);
        expect(result.rejected).toEqual([]);
        expect(result.messages).toHaveLength(1);
        expect(result.messages[0]!.messageSid).toBe(String(inbound.message.id));
      }),
      { numRuns: runs(500) },
    );
  });
});
