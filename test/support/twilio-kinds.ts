/**
 * @module test/support/twilio-kinds — the fields Twilio posts for each kind of inbound WhatsApp message, written from
 * its webhook reference and from payloads captured in public bug reports (MessageType, MediaContentType0, Latitude…,
 * ButtonText/ButtonPayload, OriginalRepliedMessage*, Referral*), with what we expect each to be stored as. Fields the
 * reference does not name for a kind are marked as assumptions where server/whatsapp/twilio-kinds reads them.
 */
import type { MessageContent, PartMark, Referral, ReplyContext } from '../../actors/conversation/message-kinds';

export const OUR_NUMBER = 'whatsapp:+14155238886';
/** A message of ours she answers or reacts to (MM: it had media). */
export const QUOTED_SID = `MM${'5c'.repeat(16)}`;

export interface KindFixture {
  /** The fields beyond the envelope (MessageSid, AccountSid, From, To, ProfileName, WaId). */
  fields(mediaUrl: string): Record<string, string>;
  /** What is stored: the message's text, its content, and what else it carries. */
  body: string;
  content: MessageContent;
  media?: string[];
  context?: ReplyContext;
  referral?: Referral;
  forwarded?: boolean;
  marks?: PartMark[];
}

/** The fields Twilio sends on every inbound WhatsApp message besides the envelope. */
function common(type: string, body: string, media: [string, string][] = []): Record<string, string> {
  return {
    MessageType: type,
    Body: body,
    NumMedia: String(media.length),
    NumSegments: '1',
    SmsStatus: 'received',
    ReferralNumMedia: '0',
    ApiVersion: '2010-04-01',
    ...Object.fromEntries(
      media.flatMap(([url, type], i) => [
        [`MediaUrl${i}`, url],
        [`MediaContentType${i}`, type],
      ]),
    ),
  };
}

export const KIND_FIXTURES = {
  text: { fields: () => common('text', 'Hola, quiero ser modelo'), body: 'Hola, quiero ser modelo', content: { kind: 'text' } },
  photo: {
    fields: (url) => common('image', 'Esta es mi foto de cuerpo entero', [[url, 'image/jpeg']]),
    body: 'Esta es mi foto de cuerpo entero',
    content: { kind: 'image' },
    media: ['image/jpeg'],
  },
  sticker: { fields: (url) => common('sticker', '', [[url, 'image/webp']]), body: '', content: { kind: 'sticker' }, media: ['image/webp'] },
  voiceNote: { fields: (url) => common('audio', '', [[url, 'audio/ogg']]), body: '', content: { kind: 'audio', voice: true }, media: ['audio/ogg'] },
  audioFile: { fields: (url) => common('audio', '', [[url, 'audio/mpeg']]), body: '', content: { kind: 'audio', voice: false }, media: ['audio/mpeg'] },
  video: { fields: (url) => common('video', 'mi pasarela', [[url, 'video/mp4']]), body: 'mi pasarela', content: { kind: 'video' }, media: ['video/mp4'] },
  cvDocx: {
    fields: (url) => common('document', 'Hoja de vida Valentina.docx', [[url, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']]),
    body: '',
    content: { kind: 'document', fileName: 'Hoja de vida Valentina.docx' },
    media: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  },
  documentWithCaption: {
    fields: (url) => common('document', 'Te envío mi hoja de vida', [[url, 'application/pdf']]),
    body: 'Te envío mi hoja de vida',
    content: { kind: 'document' },
    media: ['application/pdf'],
  },
  location: {
    fields: () => ({ ...common('location', ''), Latitude: '6.2442034', Longitude: '-75.5812119', Address: 'Cl. 10 #43-12, El Poblado, Medellín', Label: 'Casa' }),
    body: '',
    content: { kind: 'location', latitude: 6.2442034, longitude: -75.5812119, address: 'Cl. 10 #43-12, El Poblado, Medellín', label: 'Casa' },
  },
  pin: {
    fields: () => ({ ...common('location', ''), Latitude: '25.018766403198', Longitude: '-77.395950317383' }),
    body: '',
    content: { kind: 'location', latitude: 25.018766403198, longitude: -77.395950317383 },
  },
  contact: { fields: (url) => common('contacts', '', [[url, 'text/vcard']]), body: '', content: { kind: 'contacts' }, media: ['text/vcard'] },
  reaction: {
    // Assumed (Twilio's reference names no reaction fields): the emoji in Body, the target in OriginalRepliedMessageSid.
    fields: () => ({ ...common('reaction', '👍'), OriginalRepliedMessageSid: QUOTED_SID, OriginalRepliedMessageSender: OUR_NUMBER }),
    body: '',
    content: { kind: 'reaction', emoji: '👍', messageId: QUOTED_SID },
  },
  templateButton: {
    fields: () => ({
      ...common('button', 'Sí, me interesa'),
      ButtonText: 'Sí, me interesa',
      ButtonPayload: 'interest_yes',
      OriginalRepliedMessageSid: QUOTED_SID,
      OriginalRepliedMessageSender: OUR_NUMBER,
    }),
    body: 'Sí, me interesa',
    content: { kind: 'interactive', reply: 'button', payload: 'interest_yes' },
    context: { messageId: QUOTED_SID, from: '+14155238886' },
  },
  quickReplyEmptyBody: {
    fields: () => ({ ...common('interactive', ''), ButtonText: 'Confirmar', ButtonPayload: '{verify:ok}', OriginalRepliedMessageSid: QUOTED_SID, OriginalRepliedMessageSender: OUR_NUMBER }),
    body: 'Confirmar',
    content: { kind: 'interactive', reply: 'button', payload: '{verify:ok}' },
    context: { messageId: QUOTED_SID, from: '+14155238886' },
  },
  listReply: {
    // Assumed field names for a list row (Twilio's reference is silent on them).
    fields: () => ({ ...common('interactive', ''), ListId: 'shift_morning', ListTitle: 'Mañana', ListDescription: '8 a. m. – 12 m.' }),
    body: 'Mañana',
    content: { kind: 'interactive', reply: 'list', payload: 'shift_morning', description: '8 a. m. – 12 m.' },
  },
  quotedReply: {
    fields: () => ({ ...common('text', 'Nice'), OriginalRepliedMessageSid: QUOTED_SID, OriginalRepliedMessageSender: OUR_NUMBER }),
    body: 'Nice',
    content: { kind: 'text' },
    context: { messageId: QUOTED_SID, from: '+14155238886' },
  },
  fromAnAd: {
    fields: () => ({
      ...common('text', 'Hola, vi el anuncio del casting'),
      ReferralCtwaClid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
      ReferralSourceId: '120210000000000001',
      ReferralSourceType: 'ad',
      ReferralSourceUrl: 'https://fb.me/3cr4Wqqkv',
      ReferralHeadline: 'Casting comercial en Medellín',
      ReferralBody: 'Buscamos modelos para catálogo. ¡Escríbenos!',
      ReferralMediaId: '1522876711887584',
      ReferralMediaContentType: 'image/jpeg',
      ReferralMediaUrl: 'https://scontent.xx.fbcdn.net/v/ad.jpg',
    }),
    body: 'Hola, vi el anuncio del casting',
    content: { kind: 'text' },
    referral: {
      sourceType: 'ad',
      sourceId: '120210000000000001',
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      headline: 'Casting comercial en Medellín',
      body: 'Buscamos modelos para catálogo. ¡Escríbenos!',
      ctwaClid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
      media: { id: '1522876711887584', contentType: 'image/jpeg', url: 'https://scontent.xx.fbcdn.net/v/ad.jpg' },
    },
  },
  forwarded: {
    fields: () => ({ ...common('text', 'Mira esta convocatoria'), Forwarded: 'true', FrequentlyForwarded: 'false' }),
    body: 'Mira esta convocatoria',
    content: { kind: 'text' },
    forwarded: true,
  },
  unsupported: { fields: () => common('unsupported', ''), body: '', content: { kind: 'unsupported', providerType: 'unsupported' } },
  unknownType: { fields: () => common('poll', '¿Cuál horario?'), body: '¿Cuál horario?', content: { kind: 'unsupported', providerType: 'poll' } },
  brokenPin: {
    fields: () => ({ ...common('location', ''), Latitude: 'norte', Longitude: '-75.58' }),
    body: '',
    content: { kind: 'unsupported', providerType: 'location' },
    marks: [{ field: 'Latitude', mark: 'invalid' }],
  },
} satisfies Record<string, KindFixture>;

export type KindName = keyof typeof KIND_FIXTURES;
