/**
 * @module server/whatsapp/meta/kind-fixtures — one Cloud API message of each kind an aspirant can send, shaped as
 * Meta's per-type webhook references document them, named like Twilio's twins (test/support/twilio-kinds
 * KIND_FIXTURES) where Twilio has one, so a test can post the same thing through either provider. Meta-only kinds
 * (a Flow's answer, an order, request_welcome, a poll Meta does not support) follow.
 */
import { META_DISPLAY_NUMBER, META_QUOTED_ID, metaMediaMessage, metaMessage, metaTextMessage, type MetaInbound, type MetaMessageOptions } from './fixtures';

/** Meta's `context` of a reply to a message of ours (a quoted message, a button or list row she tapped). */
export const REPLY_CONTEXT = { from: META_DISPLAY_NUMBER, id: META_QUOTED_ID };

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A builder per kind: `(opts) => MetaInbound`, opts as for fixtures metaMessage (sender, id, context…). */
export const META_KINDS = {
  text: (o?: MetaMessageOptions) => metaTextMessage({ ...o, body: 'Hola, quiero ser modelo' }),
  photo: (o?: MetaMessageOptions) => metaMediaMessage('image', 'image/jpeg', { caption: 'Esta es mi foto de cuerpo entero' }, o),
  sticker: (o?: MetaMessageOptions) => metaMediaMessage('sticker', 'image/webp', { animated: false }, o),
  animatedSticker: (o?: MetaMessageOptions) => metaMediaMessage('sticker', 'image/webp', { animated: true }, o),
  voiceNote: (o?: MetaMessageOptions) => metaMediaMessage('audio', 'audio/ogg; codecs=opus', { voice: true }, o),
  audioFile: (o?: MetaMessageOptions) => metaMediaMessage('audio', 'audio/mpeg', { voice: false }, o),
  video: (o?: MetaMessageOptions) => metaMediaMessage('video', 'video/mp4', { caption: 'mi pasarela' }, o),
  cvDocx: (o?: MetaMessageOptions) => metaMediaMessage('document', DOCX, { filename: 'Hoja de vida Valentina.docx' }, o),
  documentWithCaption: (o?: MetaMessageOptions) => metaMediaMessage('document', 'application/pdf', { caption: 'Te envío mi hoja de vida', filename: 'HV-Valentina.pdf' }, o),
  location: (o?: MetaMessageOptions) =>
    metaMessage('location', { address: 'Cl. 10 #43-12, El Poblado, Medellín', latitude: 6.2442034, longitude: -75.5812119, name: 'Casa', url: 'https://maps.google.com/?q=6.2442034,-75.5812119' }, o),
  pin: (o?: MetaMessageOptions) => metaMessage('location', { latitude: 25.018766403198, longitude: -77.395950317383 }, o),
  contact: (o?: MetaMessageOptions) =>
    metaMessage(
      'contacts',
      [
        {
          name: { formatted_name: 'Laura Gómez', first_name: 'Laura', last_name: 'Gómez' },
          phones: [{ phone: '+57 310 5551234', wa_id: '573105551234', type: 'CELL' }],
          emails: [{ email: 'laura@example.com', type: 'WORK' }],
          org: { company: 'Agencia Norte', title: 'Booker' },
        },
      ],
      o,
    ),
  reaction: (o?: MetaMessageOptions) => metaMessage('reaction', { message_id: META_QUOTED_ID, emoji: '👍' }, o),
  reactionRemoved: (o?: MetaMessageOptions) => metaMessage('reaction', { message_id: META_QUOTED_ID }, o),
  templateButton: (o?: MetaMessageOptions) => metaMessage('button', { payload: 'interest_yes', text: 'Sí, me interesa' }, { context: REPLY_CONTEXT, ...o }),
  quickReplyEmptyBody: (o?: MetaMessageOptions) => metaMessage('interactive', { type: 'button_reply', button_reply: { id: '{verify:ok}', title: 'Confirmar' } }, { context: REPLY_CONTEXT, ...o }),
  listReply: (o?: MetaMessageOptions) =>
    metaMessage('interactive', { type: 'list_reply', list_reply: { id: 'shift_morning', title: 'Mañana', description: '8 a. m. – 12 m.' } }, { context: REPLY_CONTEXT, ...o }),
  quotedReply: (o?: MetaMessageOptions) => metaTextMessage({ context: REPLY_CONTEXT, ...o, body: 'Nice' }),
  fromAnAd: (o?: MetaMessageOptions) =>
    metaTextMessage({
      referral: {
        source_url: 'https://fb.me/3cr4Wqqkv',
        source_id: '120210000000000001',
        source_type: 'ad',
        body: 'Buscamos modelos para catálogo. ¡Escríbenos!',
        headline: 'Casting comercial en Medellín',
        media_type: 'image',
        image_url: 'https://scontent.xx.fbcdn.net/v/ad.jpg',
        ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
        welcome_message: { text: '¡Hola! Cuéntanos de ti.' },
      },
      ...o,
      body: 'Hola, vi el anuncio del casting',
    }),
  forwarded: (o?: MetaMessageOptions) => metaTextMessage({ context: { forwarded: true }, ...o, body: 'Mira esta convocatoria' }),
  frequentlyForwarded: (o?: MetaMessageOptions) => metaTextMessage({ context: { frequently_forwarded: true }, ...o, body: 'Reenvía esto a 10 amigas' }),
  /** Before March 2026 Meta named no type for an unsupported message. */
  unsupported: (o?: MetaMessageOptions) =>
    metaMessage('unsupported', undefined, {
      extra: { errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] },
      ...o,
    }),
  pollCreation: (o?: MetaMessageOptions) =>
    metaMessage(
      'unsupported',
      { type: 'poll_creation' },
      {
        extra: { errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] },
        ...o,
      },
    ),
  brokenPin: (o?: MetaMessageOptions) => metaMessage('location', { latitude: 'norte', longitude: -75.58 }, o),
  systemNumberChange: (o?: MetaMessageOptions) =>
    metaMessage('system', { body: 'User Valentina changed from 573001234567 to 573009876543', wa_id: '573009876543', type: 'user_changed_number' }, { name: null, ...o }),
  requestWelcome: (o?: MetaMessageOptions) => metaMessage('request_welcome', undefined, o),
  order: (o?: MetaMessageOptions) =>
    metaMessage(
      'order',
      { catalog_id: '194836987003835', text: 'Quiero el book básico', product_items: [{ product_retailer_id: 'book-basico', quantity: 1, item_price: 250000, currency: 'COP' }] },
      o,
    ),
  flowReply: (o?: MetaMessageOptions) =>
    metaMessage(
      'interactive',
      { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","talla":"S"}' } },
      { context: REPLY_CONTEXT, ...o },
    ),
} satisfies Record<string, (o?: MetaMessageOptions) => MetaInbound>;

export type MetaKindName = keyof typeof META_KINDS;
