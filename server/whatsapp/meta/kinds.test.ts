/**
 * @module server/whatsapp/meta/kinds.test — each inbound kind of the Cloud API parses onto the same message model as
 * its Twilio twin: the same payload sent through Meta (./kind-fixtures) and through Twilio (test/support/twilio-kinds,
 * parsed by server/whatsapp/inbound-parse) gives the same text, content, media count and types, reply context,
 * referral and forwarded flags. Where Meta says more than Twilio, the difference is named; where Twilio has no twin,
 * the test says so and checks Meta's mapping alone.
 */
import { describe, expect, test } from 'bun:test';
import type { InboundParts } from '../../../actors/conversation/message-kinds';
import { KIND_FIXTURES, OUR_NUMBER, QUOTED_SID, type KindName } from '../../../test/support/twilio-kinds';
import { parseContactCards } from '../../../views/inbox/contact-cards';
import { parseInboundWebhook } from '../inbound-parse';
import { META_DISPLAY_NUMBER, META_PHONE_NUMBER_ID, META_QUOTED_ID, metaInboundWebhook, metaMessage, type MetaInbound } from './fixtures';
import { parseMetaWebhook } from './inbound';
import type { Json } from './json-fields';
import { META_KINDS, type MetaKindName } from './kind-fixtures';

const TWILIO_MEDIA_URL = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';

/** Twilio's envelope around a kind's fields (as server/whatsapp/inbound-parse.test sends them). */
function twilioForm(fields: Record<string, string>): Record<string, string> {
  return {
    MessageSid: 'SM' + 'a1'.repeat(16),
    AccountSid: 'AC' + 'b2'.repeat(16),
    From: 'whatsapp:+573001234567',
    To: OUR_NUMBER,
    ProfileName: 'Valentina',
    WaId: '573001234567',
    Body: '',
    ...fields,
  };
}

type Neutral = Pick<InboundParts, 'body' | 'content' | 'context' | 'referral' | 'forwarded' | 'frequentlyForwarded'> & { media: string[] };

/** The provider-neutral parts: media by count and type (without parameters: `audio/ogg; codecs=opus` is audio/ogg). */
function neutral(parts: InboundParts): Neutral {
  const { body, content, media, context, referral, forwarded, frequentlyForwarded } = parts;
  const value = { body, content, media: media.map((item) => item.contentType.split(';')[0]!.trim()), context, referral, forwarded, frequentlyForwarded };
  return JSON.parse(JSON.stringify(value)) as Neutral;
}

function viaTwilio(fields: Record<string, string>): Neutral {
  const result = parseInboundWebhook(twilioForm(fields));
  if (!result.ok) throw new Error(result.message);
  // Ids and numbers are each provider's own: Twilio's quoted message and our number stand for Meta's.
  return JSON.parse(JSON.stringify(neutral(result.value)).replaceAll(QUOTED_SID, META_QUOTED_ID).replaceAll(OUR_NUMBER.replace('whatsapp:', ''), `+${META_DISPLAY_NUMBER}`)) as Neutral;
}

function parsedMeta(inbound: MetaInbound) {
  const result = parseMetaWebhook(metaInboundWebhook(inbound), { phoneNumberId: META_PHONE_NUMBER_ID });
  expect(result.rejected).toEqual([]);
  expect(result.messages).toHaveLength(1);
  return result.messages[0]!;
}

function viaMeta(name: MetaKindName): Neutral {
  return neutral(parsedMeta(META_KINDS[name]()));
}

interface Twin {
  meta: MetaKindName;
  twilio: Record<string, string>;
  /** What Meta tells beyond Twilio's twin, overlaid on Twilio's parts; `why` says so. */
  metaAlso?: Partial<Neutral>;
  why?: string;
}

const twilio = (name: KindName) => KIND_FIXTURES[name].fields(TWILIO_MEDIA_URL);

const TWINS: Record<string, Twin> = {
  text: { meta: 'text', twilio: twilio('text') },
  photo: { meta: 'photo', twilio: twilio('photo') },
  sticker: { meta: 'sticker', twilio: twilio('sticker') },
  voiceNote: { meta: 'voiceNote', twilio: twilio('voiceNote') },
  audioFile: { meta: 'audioFile', twilio: twilio('audioFile') },
  video: { meta: 'video', twilio: twilio('video') },
  cvDocx: { meta: 'cvDocx', twilio: twilio('cvDocx') },
  documentWithCaption: {
    meta: 'documentWithCaption',
    twilio: twilio('documentWithCaption'),
    metaAlso: { content: { kind: 'document', fileName: 'HV-Valentina.pdf' } },
    why: 'Meta names the file beside its caption',
  },
  location: { meta: 'location', twilio: twilio('location') },
  pin: { meta: 'pin', twilio: twilio('pin') },
  contact: {
    meta: 'contact',
    twilio: twilio('contact'),
    metaAlso: {
      content: { kind: 'contacts', vcards: [expect.stringContaining('FN:Laura Gómez') as unknown as string] },
      media: [],
    },
    why: 'Meta sends the card inline (vCard text), Twilio as a text/vcard file',
  },
  reaction: { meta: 'reaction', twilio: twilio('reaction') },
  reactionRemoved: { meta: 'reactionRemoved', twilio: { MessageType: 'reaction', OriginalRepliedMessageSid: QUOTED_SID, OriginalRepliedMessageSender: OUR_NUMBER } },
  templateButton: { meta: 'templateButton', twilio: twilio('templateButton') },
  quickReplyEmptyBody: { meta: 'quickReplyEmptyBody', twilio: twilio('quickReplyEmptyBody') },
  listReply: {
    meta: 'listReply',
    twilio: twilio('listReply'),
    metaAlso: { context: { messageId: META_QUOTED_ID, from: `+${META_DISPLAY_NUMBER}` } },
    why: "Meta says which list she answered (Twilio's list fields are assumed, without one)",
  },
  quotedReply: { meta: 'quotedReply', twilio: twilio('quotedReply') },
  fromAnAd: {
    meta: 'fromAnAd',
    twilio: twilio('fromAnAd'),
    metaAlso: {
      referral: { ...KIND_FIXTURES.fromAnAd.referral, media: { contentType: 'image', url: 'https://scontent.xx.fbcdn.net/v/ad.jpg' } },
    },
    why: "Meta gives the ad's media type as a word and no media id",
  },
  forwarded: { meta: 'forwarded', twilio: twilio('forwarded') },
  frequentlyForwarded: { meta: 'frequentlyForwarded', twilio: { MessageType: 'text', Body: 'Reenvía esto a 10 amigas', Forwarded: 'true', FrequentlyForwarded: 'true' } },
  unsupported: { meta: 'unsupported', twilio: twilio('unsupported') },
  brokenPin: { meta: 'brokenPin', twilio: twilio('brokenPin') },
  system: {
    meta: 'systemNumberChange',
    twilio: { MessageType: 'system', Body: 'User Valentina changed from 573001234567 to 573009876543' },
    metaAlso: { content: { kind: 'system', providerType: 'user_changed_number' } },
    why: 'Meta says which notice it is',
  },
};

describe('each inbound kind of the Cloud API parses onto the same model as its Twilio twin', () => {
  test.each(Object.entries(TWINS))('%s', (_name, twin) => {
    const expected = { ...viaTwilio(twin.twilio), ...twin.metaAlso };
    expect(viaMeta(twin.meta)).toEqual(expected);
  });

  test('every Twilio kind fixture has its Meta twin here, but an undocumented message type (Meta never sends one)', () => {
    const twinned = new Set(Object.values(TWINS).map((twin) => JSON.stringify(twin.twilio)));
    const missing = (Object.keys(KIND_FIXTURES) as KindName[]).filter((name) => !twinned.has(JSON.stringify(twilio(name))));
    expect(missing).toEqual(['unknownType']);
  });

  test('media are stored as meta-media:<id> refs with the declared MIME type, never a URL to fetch', () => {
    const message = parsedMeta(META_KINDS.voiceNote());
    const id = (message.raw.message as { audio: { id: string } }).audio.id;
    expect(message.media).toEqual([{ url: `meta-media:${id}`, contentType: 'audio/ogg; codecs=opus' }]);
  });

  test('a bad pin is marked under its Meta field, as its Twilio twin under Twilio’s', () => {
    expect(parsedMeta(META_KINDS.brokenPin()).marks).toEqual([{ field: 'location.latitude', mark: 'invalid' }]);
  });

  test('the inline contact card is vCard 3.0 the inbox can read: name, number with its WhatsApp id, e-mail, company', () => {
    const content = parsedMeta(META_KINDS.contact()).content;
    expect(content.kind === 'contacts' && content.vcards).toEqual([
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Laura Gómez',
        'N:Gómez;Laura;;;',
        'ORG:Agencia Norte;',
        'TITLE:Booker',
        'TEL;TYPE=CELL;waid=573105551234:+57 310 5551234',
        'EMAIL;TYPE=WORK:laura@example.com',
        'END:VCARD',
      ].join('\r\n'),
    ]);
    expect(parseContactCards((content.kind === 'contacts' && content.vcards?.[0]) || '')).toEqual([{ name: 'Laura Gómez', phones: [{ number: '+57 310 5551234', dial: '+573105551234' }] }]);
  });

  test('a card’s own vcard is kept as sent; names with commas, semicolons and line breaks are escaped and read back whole', () => {
    const sent = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD';
    const cards: Json[] = [{ vcard: sent, name: { formatted_name: 'ignored' } }, { name: { formatted_name: 'Pérez; Ana, "La Flaca"\nModelo' }, phones: [{ wa_id: '573001112233' }] }, 'not a card'];
    const message = parsedMeta(metaMessage('contacts', cards));
    const vcards = message.content.kind === 'contacts' ? message.content.vcards! : [];
    expect(vcards[0]).toBe(sent);
    expect(parseContactCards(vcards[1]!)).toEqual([{ name: 'Pérez; Ana, "La Flaca"\nModelo', phones: [{ number: '+573001112233', dial: '+573001112233' }] }]);
    expect(vcards).toHaveLength(2);
    expect(message.marks).toEqual([{ field: 'contacts.2', mark: 'invalid' }]);
  });
});

describe('Meta kinds with no Twilio twin, mapped alone', () => {
  const parts = (name: MetaKindName) => neutral(parsedMeta(META_KINDS[name]()));

  test('an animated sticker (no Twilio twin: Twilio never says)', () => {
    expect(parts('animatedSticker')).toEqual({ body: '', content: { kind: 'sticker', animated: true }, media: ['image/webp'] });
  });

  test('a poll Meta does not support (no Twilio twin): unsupported with Meta’s word for it', () => {
    expect(parts('pollCreation')).toEqual({ body: '', content: { kind: 'unsupported', providerType: 'poll_creation' }, media: [] });
  });

  test('request_welcome (no Twilio twin): she opened the chat for the first time, a system notice without text', () => {
    expect(parts('requestWelcome')).toEqual({ body: '', content: { kind: 'system', providerType: 'request_welcome' }, media: [] });
  });

  test('an order from the catalog (no Twilio twin): unsupported, its note as the text, the items kept in raw', () => {
    const message = parsedMeta(META_KINDS.order());
    expect(neutral(message)).toEqual({ body: 'Quiero el book básico', content: { kind: 'unsupported', providerType: 'order' }, media: [] });
    expect(message.raw.message).toMatchObject({ order: { product_items: [{ product_retailer_id: 'book-basico', quantity: 1 }] } });
  });

  test('a Flow’s answer (no Twilio twin): unsupported nfm_reply, the quoted Flow message as its context', () => {
    expect(parts('flowReply')).toEqual({
      body: 'Sent',
      content: { kind: 'unsupported', providerType: 'nfm_reply' },
      media: [],
      context: { messageId: META_QUOTED_ID, from: `+${META_DISPLAY_NUMBER}` },
    });
  });
});
