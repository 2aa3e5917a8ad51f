/** @module server/whatsapp/inbound-parse.test — Twilio inbound webhook forms, good and malformed. */
import { describe, expect, test } from 'bun:test';
import { MAX_BODY_LENGTH, parseInboundWebhook, UNKNOWN_MEDIA_TYPE } from './inbound-parse';

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
        accountSid: ACCOUNT_SID,
        from: '+573001234567',
        to: '+14155238886',
        body: 'Hola, quiero ser modelo',
        profileName: 'Valentina',
        waId: '573001234567',
        media: [],
        raw: params,
      },
    });
  });

  test('parses media items in order', () => {
    const result = parseInboundWebhook(
      textMessage({
        MessageSid: 'MM' + 'c3'.repeat(16),
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

  test('a declared media type that is no MIME type is kept as application/octet-stream, the message is not lost', () => {
    for (const declared of ['__proto__', 'constructor', 'toString/x', 'image', '', ' ', 'image/jp eg', 'x'.repeat(300)]) {
      const result = parseInboundWebhook(textMessage({ Body: '', NumMedia: '1', MediaUrl0: 'https://api.twilio.com/m/ME1', MediaContentType0: declared || 'junk' }));
      expect(result.ok && result.value.media).toEqual([{ url: 'https://api.twilio.com/m/ME1', contentType: UNKNOWN_MEDIA_TYPE }]);
    }
    for (const declared of ['image/jpeg', 'audio/ogg; codecs=opus', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/x-vcard', ' video/mp4 ']) {
      const result = parseInboundWebhook(textMessage({ NumMedia: '1', MediaUrl0: 'https://api.twilio.com/m/ME1', MediaContentType0: declared }));
      expect(result.ok && result.value.media[0]?.contentType).toBe(declared.trim());
    }
  });

  test('parses a location, a quick-reply button and a reply reference', () => {
    const result = parseInboundWebhook(
      textMessage({
        Latitude: '4.6097',
        Longitude: '-74.0817',
        Address: 'Cra. 7 #32-16, Bogotá',
        Label: 'Agencia',
        ButtonText: 'Sí, me interesa',
        ButtonPayload: 'interest_yes',
        OriginalRepliedMessageSid: 'SM' + 'd4'.repeat(16),
      }),
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.value.location).toEqual({ latitude: 4.6097, longitude: -74.0817, address: 'Cra. 7 #32-16, Bogotá', label: 'Agencia' });
    expect(result.value.button).toEqual({ text: 'Sí, me interesa', payload: 'interest_yes' });
    expect(result.value.repliedToSid).toBe('SM' + 'd4'.repeat(16));
  });

  test('leaves out optional fields Twilio sends empty', () => {
    const result = parseInboundWebhook(textMessage({ ProfileName: '', WaId: '', ButtonText: '', Latitude: '', Longitude: '' }));
    if (!result.ok) throw new Error(result.message);
    expect(Object.keys(result.value).sort()).toEqual(['accountSid', 'body', 'from', 'media', 'messageSid', 'raw', 'to']);
  });

  test('strips NUL characters from every value, raw included', () => {
    const result = parseInboundWebhook(textMessage({ Body: 'ho\u0000la', ProfileName: '\u0000Vale' }));
    if (!result.ok) throw new Error(result.message);
    expect(result.value.body).toBe('hola');
    expect(result.value.profileName).toBe('Vale');
    expect(Object.values(result.value.raw).some((value) => value.includes('\u0000'))).toBe(false);
  });

  test('accepts a body of exactly the WhatsApp limit and rejects one character more', () => {
    expect(parseInboundWebhook(textMessage({ Body: 'a'.repeat(MAX_BODY_LENGTH) })).ok).toBe(true);
    expect(failure(textMessage({ Body: 'a'.repeat(MAX_BODY_LENGTH + 1) })).field).toBe('Body');
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
    ['NumMedia', { NumMedia: '11' }],
    ['NumMedia', { NumMedia: '-1' }],
    ['NumMedia', { NumMedia: '1.5' }],
    ['NumMedia', { NumMedia: 'two' }],
    ['MediaUrl0', { NumMedia: '1', MediaContentType0: 'image/jpeg' }],
    ['MediaUrl0', { NumMedia: '1', MediaUrl0: 'ftp://example.com/a.jpg', MediaContentType0: 'image/jpeg' }],
    ['MediaUrl0', { NumMedia: '1', MediaUrl0: 'not a url', MediaContentType0: 'image/jpeg' }],
    ['MediaContentType0', { NumMedia: '1', MediaUrl0: 'https://example.com/a.jpg' }],
    ['MediaUrl1', { NumMedia: '2', MediaUrl0: 'https://example.com/a', MediaContentType0: 'image/png' }],
    ['Latitude', { Latitude: '91', Longitude: '0' }],
    ['Latitude', { Latitude: 'north', Longitude: '0' }],
    ['Longitude', { Latitude: '4.6', Longitude: '-180.5' }],
    ['Longitude', { Latitude: '4.6' }],
    ['WaId', { WaId: '+573001234567' }],
  ])('rejects a bad %s', (field, overrides) => {
    const result = failure(textMessage(overrides));
    expect(result.field).toBe(field);
    expect(result.message).toContain(field);
  });
});
