/**
 * @module actors/conversation/message-kinds — the provider-neutral model of what an aspirant sends: one `content` per
 * message, discriminated by `kind` (actors/vocabulary MESSAGE_KINDS), beside the message's text, its files, the message
 * it answers (`context`) and the ad that brought her (`referral`). Twilio's parser (server/whatsapp/inbound-parse) maps
 * its webhook fields onto it; Meta's Cloud API maps its `messages[]` objects onto the same shapes, with no change here.
 *
 * Rules every provider follows:
 * - `body` is the one text of a message, whatever its kind: what she typed, the caption of an image, video or
 *   document, the title of the button or list row she tapped, a system notice. It is never repeated inside `content`,
 *   so the bot, search and previews read one field. A reaction's emoji is in its content, not in `body` ('').
 * - The files a message carries (a photo, a voice note, a CV, a contact card as text/vcard) are its `media`, in order;
 *   `content` says what they are (a sticker is image/webp media with kind `sticker`).
 * - Nothing is refused for its content: what cannot be understood becomes `unsupported` (the provider's own word
 *   kept), what is too large is kept cut, and each such part is named in `marks`.
 */
import type { MessageKind } from '../vocabulary';

/** A file the provider holds for us until the media worker downloads it: where, and the type it declares. */
export interface InboundMedia {
  url: string;
  contentType: string;
}

/** Typed text, with nothing else (our side's messages too: the bot's, a recruiter's, a template's). */
export interface TextContent {
  kind: 'text';
}

/** A photo (its media item); the caption is the message's `body`. */
export interface ImageContent {
  kind: 'image';
}

/** A sticker: a small WebP image (its media item). WhatsApp stickers have no caption. */
export interface StickerContent {
  kind: 'sticker';
  /** An animated sticker, when the provider says so. */
  animated?: boolean;
}

/** A voice note recorded in WhatsApp (`voice`), or an audio file she shared; no caption. */
export interface AudioContent {
  kind: 'audio';
  voice: boolean;
}

/** A video (its media item); the caption is the message's `body`. */
export interface VideoContent {
  kind: 'video';
}

/** Any file shared as a document (a CV as PDF, .docx, .xlsx…); the caption is the message's `body`. */
export interface DocumentContent {
  kind: 'document';
  /** The file's name as she sent it, when the provider tells it (not a safe path: never used to store the file). */
  fileName?: string;
}

/** A pin she dropped or a place she picked (then with its name and address). */
export interface LocationContent {
  kind: 'location';
  /** Degrees, -90…90 and -180…180. */
  latitude: number;
  longitude: number;
  address?: string;
  /** The place's name (WhatsApp's `name`, Twilio's `Label`). */
  label?: string;
}

/**
 * One or more contact cards. Twilio delivers each card as a text/vcard media item (download it, then parse); a
 * provider that delivers cards inline (Meta's `contacts[]`) puts them here as vCard text. Parsing is the views' work.
 */
export interface ContactsContent {
  kind: 'contacts';
  /** The cards as vCard text, when the provider sent them inline. */
  vcards?: string[];
}

/** An emoji reaction to an earlier message; not a bubble of its own. */
export interface ReactionContent {
  kind: 'reaction';
  /** The emoji; '' when she took her reaction back. */
  emoji: string;
  /** The provider's id of the message she reacted to (ours or hers): see `refersTo`. */
  messageId: string;
}

/** Her tap on a quick-reply button or a list row we sent: the title she saw is the message's `body`. */
export interface InteractiveContent {
  kind: 'interactive';
  reply: 'button' | 'list';
  /** The id we gave the button or row (Twilio's ButtonPayload or the list item's id); absent when not sent. */
  payload?: string;
  /** A list row's description, when the provider sends it. */
  description?: string;
}

/** A notice from WhatsApp itself (she changed her number, …); its text is the message's `body`. */
export interface SystemContent {
  kind: 'system';
  /** The provider's word for it. */
  providerType?: string;
}

/** Anything else WhatsApp may send (a poll, an order, a type added later), kept with the provider's word for it. */
export interface UnsupportedContent {
  kind: 'unsupported';
  providerType?: string;
}

/** What a message is, with the fields of its kind. */
export type MessageContent =
  | TextContent
  | ImageContent
  | StickerContent
  | AudioContent
  | VideoContent
  | DocumentContent
  | LocationContent
  | ContactsContent
  | ReactionContent
  | InteractiveContent
  | SystemContent
  | UnsupportedContent;

// Every kind of the vocabulary has its content shape, and no shape is outside the vocabulary.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _everyKind: Same<MessageContent['kind'], MessageKind> = true;
void _everyKind;

/** The message a reply quotes (she swiped on it): the provider's id, resolved to ours through messages.provider_sid. */
export interface ReplyContext {
  messageId: string;
  /** Who wrote the quoted message, E.164 when the provider says (our number, or hers). */
  from?: string;
}

/**
 * The click-to-WhatsApp ad or post that opened the conversation; WhatsApp sends it with the first message after the
 * click only. Every field is optional: providers send what Meta gave them.
 */
export interface Referral {
  /** `ad` or `post`. */
  sourceType?: string;
  sourceId?: string;
  sourceUrl?: string;
  headline?: string;
  body?: string;
  /** Meta's click id, for conversion reporting. */
  ctwaClid?: string;
  /** The ad's image or video: the provider's id, type and URL, as given (never downloaded). */
  media?: { id?: string; contentType?: string; url?: string };
}

/**
 * A part of the message that was not kept as sent: `cut` — stored cut to a length we keep (`length` characters were
 * sent); `invalid` — not understood (the raw value stays in the stored webhook); `ignored` — beyond what we keep.
 */
export interface PartMark {
  /** The provider's field name (Twilio's `Body`, `Latitude`, `MediaUrl3`…). */
  field: string;
  mark: 'cut' | 'invalid' | 'ignored';
  length?: number;
}

/** What a provider's parser makes of one inbound message beyond its envelope (ids, addresses, raw fields). */
export interface InboundParts {
  body: string;
  content: MessageContent;
  media: InboundMedia[];
  context?: ReplyContext;
  referral?: Referral;
  /** WhatsApp's forwarded flags: forwarded at all, and forwarded many times (a chain). */
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  marks?: PartMark[];
}

/** The provider's id of the message this one refers to: the one a reaction reacts to, or the one a reply quotes. */
export function refersTo(parts: Pick<InboundParts, 'content' | 'context'>): string | undefined {
  return parts.content.kind === 'reaction' ? parts.content.messageId : parts.context?.messageId;
}

/**
 * A pin from a provider's fields: both coordinates in degrees (range-checked by the parser; `undefined` when missing
 * or bad) make a location, with the place's label and address when given; otherwise the message is kept as
 * `unsupported` (`providerType: 'location'`) and the parser marks the bad field.
 */
export function locationContent(latitude: number | undefined, longitude: number | undefined, label?: string, address?: string): MessageContent {
  if (latitude === undefined || longitude === undefined) return { kind: 'unsupported', providerType: 'location' };
  const content: LocationContent = { kind: 'location', latitude, longitude };
  if (address !== undefined) content.address = address;
  if (label !== undefined) content.label = label;
  return content;
}

/**
 * The kind of a message that says no more than its files: by the first item's declared type (a contact card is
 * text/vcard). Used when a provider gives no kind, and for events journaled before kinds existed.
 */
export function contentFromMedia(media: readonly InboundMedia[]): MessageContent {
  const type = (media[0]?.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!media.length) return { kind: 'text' };
  if (type === 'text/vcard' || type === 'text/x-vcard') return { kind: 'contacts' };
  if (type.startsWith('image/')) return { kind: 'image' };
  if (type.startsWith('video/')) return { kind: 'video' };
  if (type.startsWith('audio/')) return { kind: 'audio', voice: isVoiceNote(media[0]!.contentType) };
  return { kind: 'document' };
}

/**
 * WhatsApp records voice notes as Opus in Ogg, and shared audio files keep their own format (MP3, M4A, AAC…): an
 * `audio/ogg` item is taken for a voice note when the provider does not say (Twilio does not).
 */
export function isVoiceNote(contentType: string): boolean {
  return /^audio\/ogg\b/i.test(contentType.trim());
}

/** A content as stored: its kind (column `messages.kind`) and its other fields (column `messages.content`, null when none). */
export function storedContent(content: MessageContent): { kind: MessageKind; fields: Record<string, unknown> | null } {
  const { kind, ...fields } = content;
  return { kind, fields: Object.keys(fields).length ? fields : null };
}

/** The content of a stored message (its `kind` and `content` columns), for the views and replays. */
export function contentOfRow(kind: MessageKind, fields: unknown): MessageContent {
  return { ...(fields && typeof fields === 'object' ? fields : {}), kind } as MessageContent;
}

/**
 * A file name as it may be shown and offered: control characters and path separators become spaces, and the
 * characters that reorder text (bidi controls: U+061C, U+200E/F, U+202A–202E, U+2066–2069) are removed, so
 * "CV\u202Efdp.exe" cannot pass for "CVexe.pdf" (Unicode TR #36 §2.3, the "RLO" spoof).
 */
export function safeFileName(fileName: string | undefined): string {
  return withoutBidiControls(fileName ?? '')
    .replace(/[\u0000-\u001f\u007f/\\]/g, ' ')
    .trim();
}

/** `text` without the characters that reorder what follows them (U+061C, U+200E/F, U+202A–202E, U+2066–2069). */
export function withoutBidiControls(text: string): string {
  return text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}
