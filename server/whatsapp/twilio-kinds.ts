/**
 * @module server/whatsapp/twilio-kinds — Twilio's inbound WhatsApp fields as the provider-neutral message model
 * (actors/conversation/message-kinds): the kind and its fields, the text, the reply context, the ad referral.
 *
 * Field names are those of Twilio's "request to your incoming message webhook URL"
 * (https://www.twilio.com/docs/messaging/guides/webhook-request): MessageType, Body, NumMedia/MediaUrlN/
 * MediaContentTypeN, Latitude/Longitude/Address/Label, ButtonText/ButtonPayload, OriginalRepliedMessageSid/
 * OriginalRepliedMessageSender, Referral{Body,Headline,SourceId,SourceType,SourceUrl,MediaId,MediaContentType,MediaUrl,
 * NumMedia,CtwaClid}, Forwarded/FrequentlyForwarded, ProfileName, WaId. Where Twilio's documentation is silent, the
 * reading here is an assumption, said where it is made (reactions, list replies, document names, voice notes).
 */
import { safeFileName } from '../../actors/conversation/message-kinds';
import {
  contentFromMedia,
  locationContent,
  isVoiceNote,
  type InboundMedia,
  type InteractiveContent,
  type MessageContent,
  type Referral,
  type ReplyContext,
} from '../../actors/conversation/message-kinds';
import { normaliseWhatsAppAddress } from './phone';
import { MAX_TEXT_CHARACTERS, type WebhookFields } from './webhook-fields';

/** The kind, its fields and the message's text, from the fields Twilio sent. */
export interface TwilioContent {
  content: MessageContent;
  body: string;
}

/**
 * A document's Body taken for its file name: one line, a name and an extension of 1–10 letters or digits. Twilio's
 * documentation names no file-name field; WhatsApp shows a document without caption by its file name, which is
 * assumed to be what Twilio then puts in Body. A caption that looks like a file name is shown as one (harmless).
 */
const FILE_NAME = /^[^\r\n/\\]{1,240}\.[\p{L}\p{N}]{1,10}$/u;

function coordinate(fields: WebhookFields, field: 'Latitude' | 'Longitude', limit: number): number | undefined {
  const text = fields.text(field)?.trim();
  const value = text ? Number(text) : Number.NaN;
  if (Number.isFinite(value) && Math.abs(value) <= limit) return value;
  fields.mark(field, 'invalid');
  return undefined;
}

/** A pin: both coordinates in range, or the message is kept as unsupported with the bad field marked. */
function location(fields: WebhookFields): MessageContent {
  return locationContent(coordinate(fields, 'Latitude', 90), coordinate(fields, 'Longitude', 180), fields.text('Label'), fields.text('Address'));
}

/**
 * A tap on a button or a list row. Documented: ButtonText (the title) and ButtonPayload (the id), sent with
 * MessageType `button` (a template's quick reply) or `interactive`. Assumed: a list row's reply as ListId, ListTitle
 * and ListDescription when Twilio sends those names; otherwise a list reply arrives as ButtonText/ButtonPayload too.
 */
function interactive(fields: WebhookFields, body: string): TwilioContent {
  const listId = fields.text('ListId');
  const listTitle = fields.text('ListTitle');
  if (listId !== undefined || listTitle !== undefined) {
    const content: InteractiveContent = { kind: 'interactive', reply: 'list' };
    const description = fields.text('ListDescription');
    if (listId !== undefined) content.payload = listId;
    if (description !== undefined) content.description = description;
    return { content, body: body || listTitle || listId || '' };
  }
  const payload = fields.text('ButtonPayload');
  const content: InteractiveContent = { kind: 'interactive', reply: 'button' };
  if (payload !== undefined) content.payload = payload;
  return { content, body: body || fields.text('ButtonText') || payload || '' };
}

/**
 * A reaction. Twilio's documentation lists MessageType `reaction` among the types but no fields of its own: the emoji
 * is assumed to be the Body and the reacted message OriginalRepliedMessageSid (Twilio's field for "the message this
 * one refers to"). Without that sid it cannot be attached to anything: kept as unsupported, its Body as text.
 */
function reaction(fields: WebhookFields, body: string): TwilioContent {
  const messageId = fields.text('OriginalRepliedMessageSid');
  if (messageId === undefined) {
    fields.mark('OriginalRepliedMessageSid', 'invalid');
    return { content: { kind: 'unsupported', providerType: 'reaction' }, body };
  }
  return { content: { kind: 'reaction', emoji: body.trim(), messageId }, body: '' };
}

function document(body: string): TwilioContent {
  const name = safeFileName(body);
  return FILE_NAME.test(name) ? { content: { kind: 'document', fileName: name }, body: '' } : { content: { kind: 'document' }, body };
}

/** What a message without a MessageType (or with `text`) is, by the fields it has. */
function inferred(fields: WebhookFields, media: InboundMedia[], body: string): TwilioContent {
  if (fields.text('Latitude') !== undefined || fields.text('Longitude') !== undefined) return { content: location(fields), body };
  if (['ButtonText', 'ButtonPayload', 'ListId', 'ListTitle'].some((f) => fields.text(f) !== undefined)) return interactive(fields, body);
  const content = contentFromMedia(media);
  return content.kind === 'document' ? document(body) : { content, body };
}

/**
 * The kind by Twilio's MessageType (text, image, sticker, audio, video, document, location, contacts, interactive,
 * button, reaction, unsupported, …; any case). A sticker is image/webp media with MessageType `sticker`; a contact card
 * is text/vcard media with `contacts`. Voice notes: Twilio sends `audio` for every audio message; an audio/ogg item
 * (WhatsApp's recording format) is taken for a voice note. An unknown word is `unsupported`, the word kept.
 */
export function twilioContent(fields: WebhookFields, media: InboundMedia[], body: string): TwilioContent {
  const type = (fields.text('MessageType') ?? '').trim().toLowerCase();
  switch (type) {
    case '':
    case 'text':
      return inferred(fields, media, body);
    case 'image':
      return { content: { kind: 'image' }, body };
    case 'sticker':
      return { content: { kind: 'sticker' }, body };
    case 'audio':
    case 'voice':
      return { content: { kind: 'audio', voice: type === 'voice' || isVoiceNote(media[0]?.contentType ?? '') }, body };
    case 'video':
      return { content: { kind: 'video' }, body };
    case 'document':
      return document(body);
    case 'location':
      return { content: location(fields), body };
    case 'contacts':
    case 'contact':
      return { content: { kind: 'contacts' }, body };
    case 'interactive':
    case 'button':
      return interactive(fields, body);
    case 'reaction':
      return reaction(fields, body);
    case 'system':
      return { content: { kind: 'system', providerType: type }, body };
    default:
      return { content: { kind: 'unsupported', providerType: type }, body };
  }
}

/** The message a reply quotes: OriginalRepliedMessageSid, and OriginalRepliedMessageSender as E.164 when it is one. */
export function twilioContext(fields: WebhookFields): ReplyContext | undefined {
  const messageId = fields.text('OriginalRepliedMessageSid');
  if (messageId === undefined) return undefined;
  const context: ReplyContext = { messageId };
  const sender = fields.text('OriginalRepliedMessageSender');
  const from = sender === undefined ? null : normaliseWhatsAppAddress(sender);
  if (from) context.from = from;
  else if (sender !== undefined) fields.mark('OriginalRepliedMessageSender', 'invalid');
  return context;
}

const REFERRAL_FIELDS = {
  sourceType: 'ReferralSourceType',
  sourceId: 'ReferralSourceId',
  sourceUrl: 'ReferralSourceUrl',
  headline: 'ReferralHeadline',
  body: 'ReferralBody',
  ctwaClid: 'ReferralCtwaClid',
} as const satisfies Record<string, string>;

const REFERRAL_MEDIA_FIELDS = { id: 'ReferralMediaId', contentType: 'ReferralMediaContentType', url: 'ReferralMediaUrl' } as const;

/**
 * The click-to-WhatsApp ad: present when any Referral* field but ReferralNumMedia is (Twilio sends ReferralNumMedia=0
 * on every message). URLs are kept as text, unchecked: a view must check the scheme before making a link of one.
 */
export function twilioReferral(fields: WebhookFields): Referral | undefined {
  const referral: Referral = {};
  for (const [key, field] of Object.entries(REFERRAL_FIELDS) as [keyof typeof REFERRAL_FIELDS, string][]) {
    const value = fields.text(field, key === 'body' ? MAX_TEXT_CHARACTERS : undefined);
    if (value !== undefined) referral[key] = value;
  }
  const media: NonNullable<Referral['media']> = {};
  for (const [key, field] of Object.entries(REFERRAL_MEDIA_FIELDS) as [keyof typeof REFERRAL_MEDIA_FIELDS, string][]) {
    const value = fields.text(field);
    if (value !== undefined) media[key] = value;
  }
  if (Object.keys(media).length) referral.media = media;
  return Object.keys(referral).length ? referral : undefined;
}
