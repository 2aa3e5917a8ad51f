/**
 * @module server/whatsapp/inbound-parse.test — Twilio inbound webhook forms of every kind, odd ones kept and marked,
 * and the only refusals left: an envelope that cannot be routed or de-duplicated.
 */
import { describe, expect, test } from 'bun:test';
import { charCount } from '../../actors/conversation/body-limit';
import { KIND_FIXTURES, type KindFixture } from '../../test/support/twilio-kinds';
import { MAX_MEDIA, parseInboundWebhook, UNKNOWN_MEDIA_TYPE } from './inbound-parse';
import { MAX_FIELD_CHARACTERS, MAX_TEXT_CHARACTERS } from './webhook-fields';

const MESSAGE_SID = 'SM' + 'a1'.repeat(16);
const ACCOUNT_SID = 'AC' + 'b2'.repeat(16);

/** A text message as Twilio posts it, including fields we only keep in `raw`. */
function textMessage(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SmsMessageSid: MESSAGE_SID,
    NumMedia: '0',
    ProfileName: 'Valentina',
    MessageType: 'text',
    SmsSid: MESSAGE_SID,
    WaId: '573001234567',
    SmsStatus: 'received',
    Body: 'Hola, quiero ser modelo',
    To: 'whatsapp:+14155238886',
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: MESSAGE_SID,
    AccountSid: ACCOUNT_SID,
    From: 'whatsapp:+573001234567',
    ApiVersion: '2010-04-01',
    ChannelMetadata: '{"type":"whatsapp","data":{"context":{"ProfileName":"Valentina","WaId":"573001234567"}}}',
    ...overrides,
  };
}

function failure(params: Record<string, string>) {
  const result = parseInboundWebhook(params);
  if (result.ok) throw new Error('expected the parse to fail');
  return result;
}

describe('parseInboundWebhook', () => {
  test('parses a text message and keeps every parameter in raw', () => {
    const params = textMessage();
    expect(parseInboundWebhook(params)).toEqual({
      ok: true,
      value: {
        messageSid: MESSAGE_SID,
        from: { phone: '+573001234567' },
        body: 'Hola, quiero ser modelo',
        content: { kind: 'text' },
        profileName: 'Valentina',
        media: [],
        raw: params,
      },
    });
  });

  const MEDIA_URL = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
  test.each(Object.entries(KIND_FIXTURES) as [string, KindFixture][])('%s: as Twilio sends it, into the message model', (_name, fixture) => {
    const params = textMessage({ Body: '', ...fixture.fields(MEDIA_URL) });
    const result = parseInboundWebhook(params);
    if (!result.ok) throw new Error(result.message);
    const { messageSid: _sid, from: _from, profileName: _name2, raw, ...parts } = result.value;
    expect(raw).toEqual(params);
    expect(parts).toEqual({
      body: fixture.body,
      content: fixture.content,
      media: (fixture.media ?? []).map((contentType) => ({ url: MEDIA_URL, contentType })),
      ...(fixture.context ? { context: fixture.context } : {}),
      ...(fixture.referral ? { referral: fixture.referral } : {}),
      ...(fixture.forwarded ? { forwarded: true } : {}),
      ...(fixture.marks ? { marks: fixture.marks } : {}),
    });
  });

  test('without a MessageType (older senders, the simulator) the kind is read from the fields', () => {
    const kindOf = (fields: Record<string, string>) => {
      const result = parseInboundWebhook(textMessage({ MessageType: '', Body: '', ...fields }));
      return result.ok ? { body: result.value.body, content: result.value.content } : result.message;
    };
    expect(kindOf({ Latitude: '4.6', Longitude: '-74.08', Label: 'Agencia' })).toEqual({ body: '', content: { kind: 'location', latitude: 4.6, longitude: -74.08, label: 'Agencia' } });
    expect(kindOf({ ButtonText: 'Sí', ButtonPayload: 'yes' })).toEqual({ body: 'Sí', content: { kind: 'interactive', reply: 'button', payload: 'yes' } });
    expect(kindOf({ NumMedia: '1', MediaUrl0: MEDIA_URL, MediaContentType0: 'audio/ogg; codecs=opus' })).toEqual({ body: '', content: { kind: 'audio', voice: true } });
    expect(kindOf({ NumMedia: '1', MediaUrl0: MEDIA_URL, MediaContentType0: 'text/x-vcard' })).toEqual({ body: '', content: { kind: 'contacts' } });
    expect(kindOf({ NumMedia: '1', MediaUrl0: MEDIA_URL, MediaContentType0: 'application/pdf', Body: 'CV.pdf' })).toEqual({ body: '', content: { kind: 'document', fileName: 'CV.pdf' } });
    expect(kindOf({ Body: 'hola', MessageType: 'TEXT' })).toEqual({ body: 'hola', content: { kind: 'text' } });
  });

  test('a reaction without the message it reacts to is kept as unsupported, its emoji as text, the gap marked', () => {
    const result = parseInboundWebhook(textMessage({ MessageType: 'reaction', Body: '❤️' }));
    if (!result.ok) throw new Error(result.message);
    expect(result.value).toMatchObject({ body: '❤️', content: { kind: 'unsupported', providerType: 'reaction' }, marks: [{ field: 'OriginalRepliedMessageSid', mark: 'invalid' }] });
    expect(result.value.context).toBeUndefined();
  });

  test('parses media items in order', () => {
    const result = parseInboundWebhook(
      textMessage({
        MessageSid: 'MM' + 'c3'.repeat(16),
        MessageType: 'image',
        Body: '',
        NumMedia: '2',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        MediaContentType1: 'application/pdf',
      }),
    );
    expect(result.ok && result.value.media).toEqual([
      { url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', contentType: 'image/jpeg' },
      { url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2', contentType: 'application/pdf' },
    ]);
  });

  test('a declared media type that is no MIME type is kept as application/octet-stream and marked, the message is not lost', () => {
    for (const declared of ['__proto__', 'constructor', 'toString/x', 'image', '', ' ', 'image/jp eg', 'x'.repeat(300)]) {
      const result = parseInboundWebhook(textMessage({ Body: '', NumMedia: '1', MediaUrl0: 'https://api.twilio.com/m/ME1', MediaContentType0: declared || 'junk' }));
      expect(result.ok && result.value.media).toEqual([{ url: 'https://api.twilio.com/m/ME1', contentType: UNKNOWN_MEDIA_TYPE }]);
      expect(result.ok && result.value.marks).toEqual([{ field: 'MediaContentType0', mark: 'invalid' }]);
    }
    for (const declared of ['image/jpeg', 'audio/ogg; codecs=opus', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/x-vcard', ' video/mp4 ']) {
      const result = parseInboundWebhook(textMessage({ NumMedia: '1', MediaUrl0: 'https://api.twilio.com/m/ME1', MediaContentType0: declared }));
      expect(result.ok && result.value.media[0]?.contentType).toBe(declared.trim());
    }
  });

  test('leaves out optional fields Twilio sends empty', () => {
    const result = parseInboundWebhook(textMessage({ ProfileName: '', WaId: '', ButtonText: '', Latitude: '', Longitude: '', OriginalRepliedMessageSid: '', ReferralBody: '' }));
    if (!result.ok) throw new Error(result.message);
    expect(Object.keys(result.value).sort()).toEqual(['body', 'content', 'from', 'media', 'messageSid', 'raw']);
  });

  test('strips NUL characters from every value, raw included', () => {
    const result = parseInboundWebhook(textMessage({ Body: 'ho\u0000la', ProfileName: '\u0000Vale' }));
    if (!result.ok) throw new Error(result.message);
    expect(result.value.body).toBe('hola');
    expect(result.value.profileName).toBe('Vale');
    expect(Object.values(result.value.raw).some((value) => String(value).includes('\u0000'))).toBe(false);
  });

  test('any length is kept whole up to what WhatsApp allows (counted in characters), beyond it cut and marked', () => {
    for (const body of ['a'.repeat(10_000), '👍'.repeat(3_000), '😀'.repeat(MAX_TEXT_CHARACTERS), 'ñ'.repeat(MAX_TEXT_CHARACTERS)]) {
      const result = parseInboundWebhook(textMessage({ Body: body }));
      expect(result.ok && result.value.body).toBe(body);
      expect(result.ok && result.value.marks).toBeUndefined();
    }
    const huge = '🙂'.repeat(MAX_TEXT_CHARACTERS + 5);
    const result = parseInboundWebhook(textMessage({ Body: huge }));
    if (!result.ok) throw new Error(result.message);
    expect(charCount(result.value.body)).toBe(MAX_TEXT_CHARACTERS);
    expect(result.value.body.isWellFormed() && huge.startsWith(result.value.body)).toBe(true);
    expect(result.value.raw.Body).toBe(result.value.body);
    expect(result.value.marks).toEqual([{ field: 'Body', mark: 'cut', length: MAX_TEXT_CHARACTERS + 5 }]);
  });

  test('a name, label or payload past what we keep is cut and marked; the rest of the message stays', () => {
    const long = 'x'.repeat(MAX_FIELD_CHARACTERS + 1);
    const result = parseInboundWebhook(textMessage({ ProfileName: long, MessageType: 'location', Latitude: '1', Longitude: '2', Label: long }));
    if (!result.ok) throw new Error(result.message);
    expect(result.value.profileName).toHaveLength(MAX_FIELD_CHARACTERS);
    expect(result.value.content).toEqual({ kind: 'location', latitude: 1, longitude: 2, label: 'x'.repeat(MAX_FIELD_CHARACTERS) });
    expect(result.value.raw.Label).toBe(long);
    expect(result.value.marks).toEqual([
      { field: 'Label', mark: 'cut', length: MAX_FIELD_CHARACTERS + 1 },
      { field: 'ProfileName', mark: 'cut', length: MAX_FIELD_CHARACTERS + 1 },
    ]);
  });

  test.each([
    ['NumMedia', { NumMedia: '11', ...manyMedia(11) }, MAX_MEDIA, [{ field: 'NumMedia', mark: 'ignored', length: 11 }]],
    ['NumMedia', { NumMedia: '-1', ...manyMedia(2) }, 2, [{ field: 'NumMedia', mark: 'invalid' }]],
    ['NumMedia', { NumMedia: 'two', ...manyMedia(1) }, 1, [{ field: 'NumMedia', mark: 'invalid' }]],
    ['MediaUrl0', { NumMedia: '1', MediaContentType0: 'image/jpeg' }, 0, [{ field: 'MediaUrl0', mark: 'invalid' }]],
    ['MediaUrl0', { NumMedia: '1', MediaUrl0: 'ftp://example.com/a.jpg', MediaContentType0: 'image/jpeg' }, 0, [{ field: 'MediaUrl0', mark: 'invalid' }]],
    ['MediaUrl0', { NumMedia: '1', MediaUrl0: 'file:///etc/passwd', MediaContentType0: 'image/jpeg' }, 0, [{ field: 'MediaUrl0', mark: 'invalid' }]],
    ['MediaContentType0', { NumMedia: '1', MediaUrl0: 'https://example.com/a.jpg' }, 1, [{ field: 'MediaContentType0', mark: 'invalid' }]],
    ['MediaUrl1', { NumMedia: '2', MediaUrl0: 'https://example.com/a', MediaContentType0: 'image/png' }, 1, [{ field: 'MediaUrl1', mark: 'invalid' }]],
    ['Latitude', { Latitude: '91', Longitude: '0' }, 0, [{ field: 'Latitude', mark: 'invalid' }]],
    ['Longitude', { Latitude: '4.6', Longitude: '-180.5' }, 0, [{ field: 'Longitude', mark: 'invalid' }]],
    ['Longitude', { Latitude: '4.6' }, 0, [{ field: 'Longitude', mark: 'invalid' }]],
    ['WaId', { WaId: '+573001234567' }, 0, [{ field: 'WaId', mark: 'invalid' }]],
    ['OriginalRepliedMessageSender', { OriginalRepliedMessageSid: 'SMx', OriginalRepliedMessageSender: 'nobody' }, 0, [{ field: 'OriginalRepliedMessageSender', mark: 'invalid' }]],
  ])('keeps a message with an odd %s and marks it', (_field, overrides, mediaCount, marks) => {
    const result = parseInboundWebhook(textMessage(overrides as Record<string, string>));
    if (!result.ok) throw new Error(result.message);
    expect(result.value.body).toBe('Hola, quiero ser modelo');
    expect(result.value.media).toHaveLength(mediaCount);
    expect(result.value.marks).toEqual(marks as never);
  });

  test.each([
    ['MessageSid', { MessageSid: '' }],
    ['MessageSid', { MessageSid: 'SM123' }],
    ['MessageSid', { MessageSid: 'XX' + 'a1'.repeat(16) }],
    ['AccountSid', { AccountSid: 'AC-nope' }],
    ['From', { From: '' }],
    ['From', { From: '+573001234567' }],
    ['From', { From: 'whatsapp:+5730' }],
    ['From', { From: 'whatsapp:+5730012345678901' }],
    ['To', { To: 'whatsapp:14155238886' }],
  ])('refuses an envelope with a bad %s (it cannot be routed or de-duplicated)', (field, overrides) => {
    const result = failure(textMessage(overrides));
    expect(result.field).toBe(field);
    expect(result.message).toContain(field);
  });
});

/** `count` media items as Twilio numbers them. */
function manyMedia(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      [`MediaUrl${i}`, `https://api.twilio.com/m/ME${i}`],
      [`MediaContentType${i}`, 'image/jpeg'],
    ]).flat(),
  );
}
