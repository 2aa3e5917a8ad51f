/** @module actors/conversation/rules — WhatsApp's rules the actor applies: the 24-hour window, opt-out words, previews. */
import { charCount } from './body-limit';
import { firstCharacters } from './characters';
import { contentFromMedia, type InboundMedia, type MessageContent } from './message-kinds';

export const SESSION_WINDOW_MS = 24 * 60 * 60 * 1000;

const OPT_OUT = new Set(['stop', 'baja', 'cancelar', 'unsubscribe']);
const OPT_IN = new Set(['start', 'alta']);

/** The whole message, any case, surrounding spaces and punctuation ignored: "Baja." opts out, "no me des de baja" does not. */
function keyword(body: string): string {
  return body
    .trim()
    .toLowerCase()
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
}

export function isOptOut(body: string): boolean {
  return OPT_OUT.has(keyword(body));
}

export function isOptIn(body: string): boolean {
  return OPT_IN.has(keyword(body));
}

/** Free-form messages may go out only within 24 h of the aspirant's last message. */
export function windowOpen(lastInboundAt: number | null, now: number): boolean {
  return lastInboundAt !== null && now - lastInboundAt < SESSION_WINDOW_MS;
}

export function windowClosesAt(lastInboundAt: number | null): number | null {
  return lastInboundAt === null ? null : lastInboundAt + SESSION_WINDOW_MS;
}

/**
 * The stored preview of a message with media and no text, per kind: a mark and an English word. The inbox shows the
 * word in the reader's language (views/inbox/format previewText), so these texts are keys as much as words.
 */
export const MEDIA_PREVIEWS = { image: '📷 Photo', video: '🎬 Video', audio: '🎤 Audio', document: '📎 Document' } as const;

/**
 * The stored previews of the other kinds when they carry no text of their own, written like MEDIA_PREVIEWS (a mark and
 * an English word, to be shown in the reader's language): a sticker, a voice note, a pin without a name, a contact
 * card whose name is not at hand, a WhatsApp notice, a kind we do not show.
 */
export const KIND_PREVIEWS = {
  sticker: '💟 Sticker',
  voice: '🎤 Voice note',
  location: '📍 Location',
  contacts: '👤 Contact',
  system: 'ℹ️ WhatsApp notice',
  unsupported: '❔ Unsupported message',
} as const;

/** How long a preview is, in characters (an emoji is one, and is never cut in half). */
export const PREVIEW_CHARACTERS = 120;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shortened(text: string): string {
  return charCount(text) > PREVIEW_CHARACTERS ? `${firstCharacters(text, PREVIEW_CHARACTERS - 1)}…` : text;
}

/** A mark and what she named, or the kind's stored preview when she named nothing. */
function named(mark: string, name: string | undefined, fallback: string): string {
  const text = oneLine(name ?? '');
  return text ? shortened(`${mark} ${text}`) : fallback;
}

/** The name on the first inline vCard (its FN line), when there is one: cheap, no vCard parsing. */
function cardName(vcards: string[] | undefined): string | undefined {
  return vcards?.[0]?.match(/^FN(?:;[^:\r\n]*)?:(.*)$/im)?.[1];
}

/** What a message without text of its own shows: by its kind. */
function kindPreview(content: MessageContent): string | undefined {
  switch (content.kind) {
    case 'text':
    case 'interactive':
      return '';
    case 'image':
    case 'video':
      return MEDIA_PREVIEWS[content.kind];
    case 'audio':
      return content.voice ? KIND_PREVIEWS.voice : MEDIA_PREVIEWS.audio;
    case 'document':
      return named('📄', content.fileName, MEDIA_PREVIEWS.document);
    case 'sticker':
    case 'system':
    case 'unsupported':
      return KIND_PREVIEWS[content.kind];
    case 'location':
      return named('📍', content.label ?? content.address, KIND_PREVIEWS.location);
    case 'contacts':
      return named('👤', cardName(content.vcards), KIND_PREVIEWS.contacts);
    case 'reaction':
      // A reaction taken back changes nothing in the list.
      return content.emoji || undefined;
  }
}

/**
 * The inbox list's one-line preview of a message: its text (a caption, a button's title), else what its kind shows
 * (KIND_PREVIEWS, MEDIA_PREVIEWS, a pin's name, a file's name, a reaction's emoji); undefined when the preview should
 * stay as it was. Without a content the kind is read from the files, as before kinds existed.
 */
export function preview(body: string, media: InboundMedia[] = [], content: MessageContent = contentFromMedia(media)): string | undefined {
  const text = oneLine(body);
  if (text && content.kind !== 'reaction') return shortened(text);
  return kindPreview(content);
}
