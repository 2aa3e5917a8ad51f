/**
 * @module server/whatsapp/meta/inbound.test — the Cloud API webhook body as messages: Meta's documented example, several
 * entries and changes in order, only our number's changes, the sender by phone, BSUID or both, raw kept, content kept
 * cut and marked, and the only refusals: a message that cannot be routed or de-duplicated (reported, never thrown).
 */
import { describe, expect, test } from 'bun:test';
import { charCount } from '../../../actors/conversation/body-limit';
import { MAX_FIELD_CHARACTERS, MAX_TEXT_CHARACTERS } from '../webhook-fields';
import type { MessageContent } from '../../../actors/conversation/message-kinds';
import {
  META_PHONE_NUMBER_ID,
  metaChange,
  metaInboundWebhook,
  metaMediaMessage,
  metaMessage,
  metaStatus,
  metaTextMessage,
  metaWamid,
  metaWebhook,
  metaWebhookEntries,
  type MetaInbound,
} from './fixtures';
import { parseMetaWebhook } from './inbound';

const opts = { phoneNumberId: META_PHONE_NUMBER_ID };

/** The one message a body must yield. */
function only(body: unknown) {
  const result = parseMetaWebhook(body, opts);
  expect(result.rejected).toEqual([]);
  expect(result.messages).toHaveLength(1);
  return result.messages[0]!;
}

describe('parseMetaWebhook', () => {
  test('parses the text message of Meta’s webhook overview, keeping the message and its contact as raw', () => {
    // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview/ (example payload)
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
                messages: [
                  {
                    from: '16505551234',
                    id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
                    timestamp: '1749416383',
                    type: 'text',
                    text: { body: 'Does it come in another color?' },
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
    const value = body.entry[0]!.changes[0]!.value;
    expect(parseMetaWebhook(body, opts)).toEqual({
      messages: [
        {
          messageSid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
          from: { phone: '+16505551234' },
          profileName: 'Sheena Nelson',
          body: 'Does it come in another color?',
          content: { kind: 'text' },
          media: [],
          raw: { message: value.messages[0], contact: value.contacts[0] },
        },
      ],
      statuses: [],
      rejected: [],
      ignored: [],
    });
  });

  test('a sender with BSUID, number and username: all three; her profile name beside them', () => {
    const message = only(metaInboundWebhook(metaTextMessage({ username: '@vale.modelo', body: 'Hola' })));
    expect(message.from).toEqual({ phone: '+573001234567', bsuid: 'CO.1502576394655843', username: '@vale.modelo' });
    expect(message.profileName).toBe('Valentina');
  });

  test('a username-only sender (no from, no wa_id) is found by her BSUID', () => {
    const message = only(metaInboundWebhook(metaTextMessage({ from: null, username: '@vale.modelo', body: 'Hola' })));
    expect(message.from).toEqual({ bsuid: 'CO.1502576394655843', username: '@vale.modelo' });
    expect(message.marks).toBeUndefined();
  });

  test('a parent BSUID (US.ENT.…) is a BSUID too; the BSUID is read from the contact when the message lacks from_user_id', () => {
    const inbound = metaTextMessage({ from: null, bsuid: 'US.ENT.11815799212886844830', body: 'Hi' });
    delete inbound.message.from_user_id;
    expect(only(metaInboundWebhook(inbound)).from).toEqual({ bsuid: 'US.ENT.11815799212886844830' });
  });

  test("a lone contact naming another user's BSUID lends the sender nothing: not its number, not its name", () => {
    const inbound = metaTextMessage({ from: null, bsuid: 'CO.1111', body: 'Hola' });
    inbound.contact = { profile: { name: 'Otra' }, wa_id: '573009998877', user_id: 'CO.2222' };
    const message = only(metaInboundWebhook(inbound));
    expect(message.from).toEqual({ bsuid: 'CO.1111' });
    expect(message.profileName).toBeUndefined();
  });

  test('before BSUIDs (a phone number only), and the number read from the contact when from is missing', () => {
    expect(only(metaInboundWebhook(metaTextMessage({ bsuid: null, body: 'Hola' }))).from).toEqual({ phone: '+573001234567' });
    const inbound = metaTextMessage({ bsuid: null, body: 'Hola' });
    delete inbound.message.from;
    expect(only(metaInboundWebhook(inbound)).from).toEqual({ phone: '+573001234567' });
  });

  test('a bad number beside a good BSUID (or the reverse) is marked and the message kept by the other', () => {
    const badPhone = only(metaInboundWebhook(metaTextMessage({ from: '00573001234567', body: 'Hola' })));
    expect(badPhone.from).toEqual({ bsuid: 'CO.1502576394655843' });
    expect(badPhone.marks).toEqual([
      { field: 'from', mark: 'invalid' },
      { field: 'contact.wa_id', mark: 'invalid' },
    ]);
    const badBsuid = only(metaInboundWebhook(metaTextMessage({ bsuid: 'colombia-1', body: 'Hola' })));
    expect(badBsuid.from).toEqual({ phone: '+573001234567' });
    expect(badBsuid.marks).toEqual([
      { field: 'from_user_id', mark: 'invalid' },
      { field: 'contact.user_id', mark: 'invalid' },
    ]);
  });

  test.each([
    ['id', { id: undefined }],
    ['id', { id: '' }],
    ['id', { id: 'wamid with spaces' }],
    ['id', { id: 42 }],
    ['id', { id: 'x'.repeat(257) }],
    ['from', { from: undefined, from_user_id: undefined }],
    ['from', { from: '12', from_user_id: 'CO-123' }],
  ])('a message with no usable %s is rejected alone, the rest of the body still taken', (field, changes) => {
    const bad = metaTextMessage({ name: null, body: 'perdido' });
    Object.assign(bad.message, changes);
    delete bad.contact;
    const good = metaTextMessage({ id: metaWamid('good'), body: 'Hola' });
    const result = parseMetaWebhook(metaInboundWebhook(bad, good), opts);
    expect(result.rejected).toEqual([{ where: 'entry[0].changes[0].value.messages[0]', field, message: expect.stringContaining(field) }]);
    expect(result.messages.map((m) => m.body)).toEqual(['Hola']);
  });

  test('several entries, changes, messages and statuses come back all, in the order sent', () => {
    const text = (n: number) => metaTextMessage({ id: metaWamid(n), body: `m${n}` });
    const body = metaWebhookEntries([
      [metaChange({ messages: [text(1), text(2)] }), metaChange({ statuses: [metaStatus({ id: metaWamid('s1'), status: 'delivered' })] })],
      [metaChange({ messages: [text(3)], statuses: [metaStatus({ id: metaWamid('s2'), status: 'read' })] })],
    ]);
    const result = parseMetaWebhook(body, opts);
    expect(result.messages.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
    expect(result.statuses.map((s) => [s.messageSid, s.status])).toEqual([
      [metaWamid('s1'), 'delivered'],
      [metaWamid('s2'), 'read'],
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.ignored).toEqual([]);
  });

  test('each message takes its own sender’s contact entry when a change holds several', () => {
    const vale = metaTextMessage({ id: metaWamid('v'), body: 'soy Vale' });
    const ana = metaTextMessage({ id: metaWamid('a'), from: '573009998877', bsuid: 'CO.777', name: 'Ana', body: 'soy Ana' });
    const result = parseMetaWebhook(metaWebhook(metaChange({ messages: [vale, ana] })), opts);
    expect(result.messages.map((m) => [m.profileName, m.from.phone])).toEqual([
      ['Valentina', '+573001234567'],
      ['Ana', '+573009998877'],
    ]);
  });

  test('another number’s changes, other webhook fields, other objects and group messages are ignored and reported', () => {
    const ours = metaTextMessage({ body: 'para nosotros' });
    const group = metaTextMessage({ id: metaWamid('group'), body: 'en grupo', extra: { group_id: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD' } });
    const body = metaWebhook(metaChange({ messages: [metaTextMessage({ body: 'para otro' })], phoneNumberId: '999999999999999' }), metaChange({ messages: [ours, group] }), {
      field: 'message_template_status_update',
      value: { event: 'APPROVED' },
    });
    const result = parseMetaWebhook(body, opts);
    expect(result.messages.map((m) => m.body)).toEqual(['para nosotros']);
    expect(result.rejected).toEqual([]);
    expect(result.ignored).toEqual([
      { where: 'entry[0].changes[0].value', field: 'metadata.phone_number_id', message: 'For phone number id "999999999999999", not ours.' },
      { where: 'entry[0].changes[1].value.messages[1]', field: 'group_id', message: expect.stringContaining('group') },
      { where: 'entry[0].changes[2]', field: 'field', message: expect.stringContaining('message_template_status_update') },
    ]);
    expect(parseMetaWebhook({ object: 'page', entry: [] }, opts)).toEqual({
      messages: [],
      statuses: [],
      rejected: [],
      ignored: [{ where: '', field: 'object', message: expect.stringContaining('"page"') }],
    });
  });

  test('errors Meta reports on a change, and parts of it we do not read, are reported as ignored', () => {
    const change = metaChange({ errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong' }] });
    (change.value as Record<string, unknown>).user_actions = [{ action_type: 'marketing_messages_link_click' }];
    expect(parseMetaWebhook(metaWebhook(change), opts).ignored).toEqual([
      { where: 'entry[0].changes[0].value.errors[0]', field: 'errors', message: 'Meta reported error 131000 (Something went wrong) on this change.' },
      { where: 'entry[0].changes[0].value', field: 'user_actions', message: 'user_actions is not read.' },
    ]);
  });

  test.each([
    ['a string', 'hola', 'object'],
    ['null', null, 'object'],
    ['an array', [], 'object'],
    ['no entry', { object: 'whatsapp_business_account' }, 'entry'],
    ['entries without changes', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }, 'changes'],
    ['a change without metadata', { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [] } }] }] }, 'metadata.phone_number_id'],
  ])('a body that is %s is rejected, not thrown', (_what, body, field) => {
    const result = parseMetaWebhook(body, opts);
    expect(result.messages).toEqual([]);
    expect(result.rejected.map((issue) => issue.field)).toEqual([field]);
  });

  test('NULs are removed everywhere, raw included', () => {
    const inbound = metaTextMessage({ name: '\u0000Vale', body: 'ho\u0000la' });
    const message = only(metaInboundWebhook(inbound));
    expect([message.body, message.profileName]).toEqual(['hola', 'Vale']);
    expect(JSON.stringify(message.raw)).not.toContain('\\u0000');
  });

  test('a lone surrogate JSON may escape (`"\\ud800"`, refused by Postgres) becomes U+FFFD, raw included', () => {
    const message = only(JSON.parse(JSON.stringify(metaInboundWebhook(metaTextMessage({ body: 'ab' }))).replace('"ab"', '"a\\ud800b"')));
    expect(message.body).toBe('a\ufffdb');
    expect((message.raw.message as { text: { body: string } }).text.body).toBe('a\ufffdb');
  });

  test('any length is kept whole up to what WhatsApp allows (in characters), beyond it cut and marked, raw too', () => {
    for (const body of ['a'.repeat(10_000), '😀'.repeat(MAX_TEXT_CHARACTERS)]) expect(only(metaInboundWebhook(metaTextMessage({ body }))).body).toBe(body);
    const huge = '🙂'.repeat(MAX_TEXT_CHARACTERS + 5);
    const message = only(metaInboundWebhook(metaTextMessage({ body: huge })));
    expect(charCount(message.body)).toBe(MAX_TEXT_CHARACTERS);
    expect(message.body.isWellFormed() && huge.startsWith(message.body)).toBe(true);
    expect((message.raw.message as { text: { body: string } }).text.body).toBe(message.body);
    expect(message.marks).toEqual([{ field: 'text.body', mark: 'cut', length: MAX_TEXT_CHARACTERS + 5 }]);
  });

  test('a name, title or payload past what we keep is cut and marked; the rest of the message stays', () => {
    const long = 'x'.repeat(MAX_FIELD_CHARACTERS + 1);
    const inbound = metaTextMessage({ name: long, body: 'Hola' });
    const message = only(metaInboundWebhook(inbound));
    expect(message.profileName).toHaveLength(MAX_FIELD_CHARACTERS);
    expect((message.raw.contact as { profile: { name: string } }).profile.name).toBe(long);
    expect(message.marks).toEqual([{ field: 'contact.profile.name', mark: 'cut', length: MAX_FIELD_CHARACTERS + 1 }]);
  });

  const oddCases: [string, () => MetaInbound, string[], MessageContent][] = [
    ['image.id', () => metaMediaMessage('image', 'image/jpeg', { id: 'https://evil.example/x.jpg' }), [], { kind: 'image' }],
    ['image.mime_type', () => metaMediaMessage('image', '__proto__'), ['application/octet-stream'], { kind: 'image' }],
    ['location.longitude', () => metaMessage('location', { latitude: 4.6, longitude: 181 }), [], { kind: 'unsupported', providerType: 'location' }],
    ['reaction.message_id', () => metaMessage('reaction', { emoji: '❤️' }), [], { kind: 'unsupported', providerType: 'reaction' }],
    ['context.from', () => metaTextMessage({ context: { from: 'nuestro número', id: metaWamid('q') }, body: 'x' }), [], { kind: 'text' }],
  ];
  test.each(oddCases)('an odd %s is kept, left out or replaced, and marked', (field, build, types, content) => {
    const message = only(metaInboundWebhook(build()));
    expect(message.media.map((item) => item.contentType)).toEqual(types);
    expect(message.content).toEqual(content);
    expect(message.marks).toEqual([{ field, mark: 'invalid' }]);
  });

  test('a key named like an Object property is never looked up on the prototype', () => {
    const inbound = metaTextMessage({ body: 'x' });
    Object.assign(inbound.message, { type: 'constructor' });
    const message = only(metaInboundWebhook(JSON.parse(JSON.stringify(inbound).replace('"text":{', '"__proto__":{"polluted":true},"text":{'))));
    expect(message.content).toEqual({ kind: 'unsupported', providerType: 'constructor' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(message.raw.message)).toBe(Object.prototype);
  });

  test('a message without a type is read by the object it carries, the gap marked', () => {
    const inbound = metaTextMessage({ body: 'hola' });
    delete inbound.message.type;
    const message = only(metaInboundWebhook(inbound));
    expect([message.body, message.content, message.marks]).toEqual(['hola', { kind: 'text' }, [{ field: 'type', mark: 'invalid' }]]);
  });
});
