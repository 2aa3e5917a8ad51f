/** @module actors/conversation/rules — WhatsApp's rules the actor applies: the 24-hour window, opt-out words, previews. */
import type { InboundMedia } from './types';

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

// A Map: the key comes from a provider's declared type, and `__proto__` or `constructor` must not reach Object's prototype.
const MEDIA_LABEL = new Map<string, string>([
  ['image', MEDIA_PREVIEWS.image],
  ['video', MEDIA_PREVIEWS.video],
  ['audio', MEDIA_PREVIEWS.audio],
]);

/** The inbox list's one-line preview of a message. */
export function preview(body: string, media: InboundMedia[] = []): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text) {
    // Cut by code points: a UTF-16 slice can split an emoji, and Postgres refuses the lone surrogate left behind.
    const chars = [...text];
    return chars.length > 120 ? `${chars.slice(0, 119).join('')}…` : text;
  }
  const first = media[0];
  if (!first) return '';
  return MEDIA_LABEL.get(first.contentType.split('/')[0] ?? '') ?? MEDIA_PREVIEWS.document;
}
