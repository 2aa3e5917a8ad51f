/**
 * @module server/push/message — what an alert says: the JSON the service worker (views/assets/sw.js) shows, written
 * in the reader's language. It travels encrypted (RFC 8291); a push message holds at most 4,096 bytes, so the texts
 * are cut well below that.
 */
import type { InboundReceived } from '../../actors/conversation/types';
import { preview } from '../../actors/conversation/rules';
import { conversationHref, previewText } from '../../views/inbox/format';
import { translator, type Translator } from '../../views/i18n';

/** The push message's plaintext: what sw.js reads with `event.data.json()`. */
export interface PushPayload {
  conversationId: number;
  /** The aspirant's name as the inbox shows it (her names, her WhatsApp name, or her number). */
  title: string;
  /** The message's text on one line, or what she sent when there is no text ("📷 Foto"), as the inbox list says it. */
  body: string;
  /** Where a click opens: the conversation in the inbox, a path on this server. */
  url: string;
}

const MAX_TITLE = 80;
const MAX_BODY = 160;

function cut(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const readers = new Map<string, Translator>();

/** One translator per language (a user's time zone is of no use here: an alert shows no time). */
function readerFor(locale: string): Translator {
  let reader = readers.get(locale);
  if (!reader) readers.set(locale, (reader = translator(locale)));
  return reader;
}

/** The alert of `event` (an aspirant's message) in `conversationId`, for a reader of `locale`. */
export function pushPayload(locale: string, conversationId: number, name: string, event: Pick<InboundReceived, 'body' | 'media' | 'content'>): PushPayload {
  const t = readerFor(locale);
  // Her text, else what the inbox list shows for her kind of message (a pin's name, "🎤 Nota de voz"), in the reader's words.
  const shown = event.content?.kind === 'reaction' ? undefined : cut(event.body, MAX_BODY);
  const kind = preview('', event.media, event.content);
  const body = shown || (kind === undefined ? '' : cut(previewText(kind, t), MAX_BODY)) || t.t('push.newMessage');
  return { conversationId, title: cut(name, MAX_TITLE) || t.t('push.newMessage'), body, url: conversationHref(conversationId, { scope: 'all' }) };
}
