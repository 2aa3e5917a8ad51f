/**
 * @module server/whatsapp/meta/kinds — a Cloud API `messages[]` object as the provider-neutral message model
 * (actors/conversation/message-kinds), the twin of server/whatsapp/twilio-kinds: the kind and its fields, the text,
 * the media items, the reply context, the ad referral.
 *
 * Field names are those of Meta's "Messages webhook reference", one page per type
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/): `text.body`;
 * `image|video|audio|document|sticker.{id, mime_type, sha256, url, caption}`, `audio.voice`, `document.filename`,
 * `sticker.animated`; `location.{latitude, longitude, name, address, url}`; `contacts[]`; `interactive.{button_reply,
 * list_reply, nfm_reply}`; `button.{payload, text}`; `reaction.{message_id, emoji}`; `system.{body, type}`; `order`;
 * `request_welcome`; `unsupported.type` with `errors[]`; `context.{id, from, forwarded, frequently_forwarded}`;
 * `referral.{source_url, source_id, source_type, body, headline, media_type, image_url, video_url, thumbnail_url,
 * ctwa_clid}`. Anything read here but not kept in the model (a media item's sha256 and short-lived url, a place's url,
 * an ad's thumbnail and greeting, an order's items) stays in the message's `raw`.
 */
import {
  isVoiceNote,
  locationContent,
  safeFileName,
  type InboundMedia,
  type InteractiveContent,
  type MessageContent,
  type Referral,
  type ReplyContext,
} from '../../../actors/conversation/message-kinds';
import { MIME_TYPE, UNKNOWN_MEDIA_TYPE } from '../inbound-parse';
import { isE164 } from '../phone';
import { MAX_TEXT_CHARACTERS } from '../webhook-fields';
import { isObject, type JsonFields } from './json-fields';
import { metaVcards } from './vcard';

/** What a media item's url is stored as: Meta gives an id, which the provider's fetchMedia resolves to bytes. */
export const META_MEDIA_SCHEME = 'meta-media:';
/** A media id as Meta issues them (digits today); no `:` or `/`, so a ref can never be read as a URL or a path. */
const MEDIA_ID = /^[A-Za-z0-9._-]{1,256}$/;

/** `meta-media:<id>`, the url of an inbound media item. */
export function metaMediaRef(id: string): string {
  return META_MEDIA_SCHEME + id;
}

/** The media id in a `meta-media:<id>` ref, or null when `ref` is no such ref (an https URL, garbage). */
export function metaMediaId(ref: string): string | null {
  if (!ref.startsWith(META_MEDIA_SCHEME)) return null;
  const id = ref.slice(META_MEDIA_SCHEME.length);
  return MEDIA_ID.test(id) ? id : null;
}

/** Meta writes numbers as digits without `+` (`573001234567`): that as E.164, or null when it is not a phone number. */
export function metaPhone(value: string): string | null {
  const digits = value.trim().replace(/^\+/, '');
  return /^\d+$/.test(digits) && isE164(`+${digits}`) ? `+${digits}` : null;
}

/** The kind, its fields, the message's text and its media items. */
export interface MetaContent {
  content: MessageContent;
  body: string;
  media: InboundMedia[];
}

/** The message types Meta documents that carry an object of the same name. */
const TYPED = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'system', 'order', 'unsupported'];

/** The message's `type` (lower case); without one, the first documented type whose object it carries, marked. */
function messageType(fields: JsonFields): string {
  const type = fields.text('type')?.trim().toLowerCase();
  if (type) return type;
  fields.mark('type', 'invalid');
  return TYPED.find((name) => isObject(fields.value(name))) ?? '';
}

/**
 * The message's one media item: `meta-media:<id>` with its declared type. Without a usable id the item is left out
 * (nothing could fetch it); a declared type that is no MIME type is stored as UNKNOWN_MEDIA_TYPE (as Twilio's twin
 * does). Both are marked.
 */
function mediaItem(fields: JsonFields, type: string): InboundMedia[] {
  const id = fields.text(`${type}.id`);
  if (id === undefined || !MEDIA_ID.test(id)) {
    fields.mark(`${type}.id`, 'invalid');
    return [];
  }
  const declared = fields.text(`${type}.mime_type`)?.trim() ?? '';
  if (!MIME_TYPE.test(declared)) fields.mark(`${type}.mime_type`, 'invalid');
  return [{ url: metaMediaRef(id), contentType: MIME_TYPE.test(declared) ? declared : UNKNOWN_MEDIA_TYPE }];
}

function caption(fields: JsonFields, type: string): string {
  return fields.text(`${type}.caption`, MAX_TEXT_CHARACTERS) ?? '';
}

function coordinate(fields: JsonFields, path: string, limit: number): number | undefined {
  const value = fields.value(path);
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : Number.NaN;
  if (Number.isFinite(number) && Math.abs(number) <= limit) return number;
  fields.mark(path, 'invalid');
  return undefined;
}

/** A pin: both coordinates in range, or the message is kept as unsupported with the bad field marked. */
function location(fields: JsonFields): MessageContent {
  return locationContent(coordinate(fields, 'location.latitude', 90), coordinate(fields, 'location.longitude', 180), fields.text('location.name'), fields.text('location.address'));
}

/** A tap on a reply button or a list row (`button_reply`, `list_reply`); a Flow's answer or any other reply is kept as unsupported. */
function interactive(fields: JsonFields): MetaContent {
  const type = fields.text('interactive.type')?.trim().toLowerCase();
  if (type === 'button_reply' || type === 'list_reply') {
    const content: InteractiveContent = { kind: 'interactive', reply: type === 'button_reply' ? 'button' : 'list' };
    const payload = fields.text(`interactive.${type}.id`);
    const description = type === 'list_reply' ? fields.text('interactive.list_reply.description') : undefined;
    if (payload !== undefined) content.payload = payload;
    if (description !== undefined) content.description = description;
    return { content, body: fields.text(`interactive.${type}.title`) ?? payload ?? '', media: [] };
  }
  // nfm_reply (a Flow's or an address message's answer, its data in response_json), call_permission_reply, …
  const body = type === 'nfm_reply' ? (fields.text('interactive.nfm_reply.body', MAX_TEXT_CHARACTERS) ?? '') : '';
  return { content: { kind: 'unsupported', providerType: type ?? 'interactive' }, body, media: [] };
}

/** A template's quick-reply button: `button.text` is what she tapped, `button.payload` the payload we gave it. */
function button(fields: JsonFields): MetaContent {
  const payload = fields.text('button.payload');
  const content: InteractiveContent = { kind: 'interactive', reply: 'button' };
  if (payload !== undefined) content.payload = payload;
  return { content, body: fields.text('button.text') ?? payload ?? '', media: [] };
}

/**
 * A reaction: `reaction.message_id` is the message reacted to; `emoji` absent or empty means she took it back (as
 * Twilio's twin, emoji ''). Without the message id it cannot be attached: kept as unsupported, its emoji as text.
 */
function reaction(fields: JsonFields): MetaContent {
  const emoji = fields.text('reaction.emoji')?.trim() ?? '';
  const messageId = fields.text('reaction.message_id');
  if (messageId === undefined) {
    fields.mark('reaction.message_id', 'invalid');
    return { content: { kind: 'unsupported', providerType: 'reaction' }, body: emoji, media: [] };
  }
  return { content: { kind: 'reaction', emoji, messageId }, body: '', media: [] };
}

function document(fields: JsonFields): MetaContent {
  const media = mediaItem(fields, 'document');
  const fileName = safeFileName(fields.text('document.filename'));
  return { content: fileName ? { kind: 'document', fileName } : { kind: 'document' }, body: caption(fields, 'document'), media };
}

function withMedia(fields: JsonFields, type: 'image' | 'video' | 'sticker' | 'audio'): MetaContent {
  const media = mediaItem(fields, type);
  const body = type === 'image' || type === 'video' ? caption(fields, type) : '';
  if (type === 'sticker') return { content: fields.flag('sticker.animated') ? { kind: 'sticker', animated: true } : { kind: 'sticker' }, body, media };
  if (type !== 'audio') return { content: { kind: type }, body, media };
  // Meta says whether it is a voice recording; without the flag, an audio/ogg item is taken for one (as Twilio's twin).
  const voice = typeof fields.value('audio.voice') === 'boolean' ? fields.flag('audio.voice') : isVoiceNote(media[0]?.contentType ?? '');
  return { content: { kind: 'audio', voice }, body, media };
}

/**
 * The kind by Meta's `type`. A sticker's `animated` is kept only when true (Twilio's twin never says). `system` keeps
 * Meta's `system.type` (user_changed_number, user_changed_user_id) as its providerType; `request_welcome` (she opened
 * the chat for the first time, no text) is a system notice; an `order` and an `unsupported` message (`unsupported.type`:
 * poll_creation, …) are unsupported with Meta's word; an unknown type likewise.
 */
export function metaContent(fields: JsonFields): MetaContent {
  const type = messageType(fields);
  switch (type) {
    case 'text':
      return { content: { kind: 'text' }, body: fields.text('text.body', MAX_TEXT_CHARACTERS) ?? '', media: [] };
    case 'image':
    case 'video':
    case 'sticker':
    case 'audio':
      return withMedia(fields, type);
    case 'document':
      return document(fields);
    case 'location':
      return { content: location(fields), body: '', media: [] };
    case 'contacts':
      return { content: { kind: 'contacts', vcards: metaVcards(fields) }, body: '', media: [] };
    case 'interactive':
      return interactive(fields);
    case 'button':
      return button(fields);
    case 'reaction':
      return reaction(fields);
    case 'system':
      return { content: { kind: 'system', providerType: fields.text('system.type') ?? 'system' }, body: fields.text('system.body', MAX_TEXT_CHARACTERS) ?? '', media: [] };
    case 'request_welcome':
      return { content: { kind: 'system', providerType: 'request_welcome' }, body: '', media: [] };
    case 'order':
      return { content: { kind: 'unsupported', providerType: 'order' }, body: fields.text('order.text', MAX_TEXT_CHARACTERS) ?? '', media: [] };
    case 'unsupported':
      return { content: { kind: 'unsupported', providerType: fields.text('unsupported.type') ?? 'unsupported' }, body: '', media: [] };
    default:
      return { content: type ? { kind: 'unsupported', providerType: type } : { kind: 'unsupported' }, body: '', media: [] };
  }
}

/** The message a reply quotes: `context.id`, and `context.from` (our number, or hers) as E.164 when it is one. */
export function metaContext(fields: JsonFields): ReplyContext | undefined {
  const messageId = fields.text('context.id');
  if (messageId === undefined) return undefined;
  const context: ReplyContext = { messageId };
  const sender = fields.text('context.from');
  const from = sender === undefined ? null : metaPhone(sender);
  if (from) context.from = from;
  else if (sender !== undefined) fields.mark('context.from', 'invalid');
  return context;
}

const REFERRAL_FIELDS = {
  sourceType: 'source_type',
  sourceId: 'source_id',
  sourceUrl: 'source_url',
  headline: 'headline',
  body: 'body',
  ctwaClid: 'ctwa_clid',
} as const satisfies Record<string, string>;

/**
 * The click-to-WhatsApp ad: `referral` with what Meta gave (every field optional). The ad's media is its `media_type`
 * (`image`, `video`, as given) and its image or video URL; the video's thumbnail and the ad's greeting stay in raw.
 * URLs are kept as text, unchecked: a view must check the scheme before making a link of one.
 */
export function metaReferral(fields: JsonFields): Referral | undefined {
  const sent = fields.value('referral');
  if (sent === undefined || sent === null) return undefined;
  if (!isObject(sent)) {
    fields.mark('referral', 'invalid');
    return undefined;
  }
  const referral: Referral = {};
  for (const [key, field] of Object.entries(REFERRAL_FIELDS) as [keyof typeof REFERRAL_FIELDS, string][]) {
    const value = fields.text(`referral.${field}`, key === 'body' ? MAX_TEXT_CHARACTERS : undefined);
    if (value !== undefined) referral[key] = value;
  }
  const media: NonNullable<Referral['media']> = {};
  const contentType = fields.text('referral.media_type');
  const url = fields.text('referral.image_url') ?? fields.text('referral.video_url');
  if (contentType !== undefined) media.contentType = contentType;
  if (url !== undefined) media.url = url;
  if (Object.keys(media).length) referral.media = media;
  return Object.keys(referral).length ? referral : undefined;
}
