/**
 * @module server/whatsapp/meta/send — an OutboundMessage as the Cloud API's `POST /{phone-number-id}/messages` body,
 * the send itself, and the reconciliation of a send whose outcome is unknown.
 *
 * Body (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages):
 * `messaging_product: "whatsapp"`, `recipient_type: "individual"`, then the recipient — a phone as `to`, E.164
 * without its `+`; a business-scoped user id as `recipient` ("Use this instead of, or in addition to, `to`. If you
 * include both, `to` takes precedence", Meta's BSUID fields on the messages endpoint) — and one of:
 * - text: `{ type: "text", text: { body, preview_url: false } }` (body up to 4,096 characters);
 * - media by public link: `{ type: image|video|audio|document, <type>: { link, caption? } }`, the type read from the
 *   link's file extension (jpg/jpeg/png image; mp4/3gp video; aac/amr/mp3/m4a/ogg/opus audio; anything else a
 *   document, with its file name). The body is the caption (up to 1,024 characters); audio takes none, so audio
 *   with text is refused rather than sent without it. ONE media item per send: WhatsApp delivers one file per
 *   message, and one send must stay one message id for exactly-once, so several links are refused and the caller
 *   splits them into one outbox row each (Twilio's WhatsApp channel has the same one-file rule);
 * - template: `{ type: "template", template: { name, language: { code }, components: [{ type: "body",
 *   parameters }] } }` from TemplateSend.ref `name:language`; numbered variables (`{"1": …, "2": …}`) become text
 *   parameters in numeric order, named ones (`{"first_name": …}`) carry `parameter_name`. A template wins over
 *   body and media.
 * Always `biz_opaque_callback_data` = the idempotency key (at most 512 characters): Meta does not process it and
 * echoes it on the message's status webhooks — the only way to find an ambiguous send again (findSent).
 */
import { isE164 } from '../phone';
import { BSUID, type OutboundMessage, type SendResult, type SentQuery } from '../port';
import { SendError } from '../send-errors';
import { classifyMetaError } from './errors';
import { graphEndpoint, graphRequest, GraphFailure, type GraphConfig } from './graph';

/** Meta's limits on the fields we send (the messages reference): text body, media caption, callback data. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_CALLBACK_DATA_LENGTH = 512;

/**
 * How long after a send was marked `sending` Meta's `sent` status webhook may still be on its way. Meta documents no
 * bound; `sent` ("in transit within our systems") normally follows the send's answer within seconds, so two minutes
 * leaves a wide margin. Past it, no receipt means not sent.
 */
export const RECEIPT_WAIT_MS = 2 * 60_000;

const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const TEMPLATE_LANGUAGE = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/;
const NUMBERED = /^[1-9]\d{0,2}$/;
const NAMED = /^[a-z_][a-z0-9_]{0,127}$/;

type MediaType = 'image' | 'video' | 'audio' | 'document';
const EXTENSIONS: Record<string, MediaType> = {
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  mp4: 'video',
  '3gp': 'video',
  aac: 'audio',
  amr: 'audio',
  mp3: 'audio',
  m4a: 'audio',
  ogg: 'audio',
  opus: 'audio',
};

function refuse(reason: string): SendError {
  return new SendError({ permanent: true, reason });
}

/** `to` (E.164 without `+`) for a phone, `recipient` for a BSUID; anything else is refused. */
export function recipientFields(address: string): { to: string } | { recipient: string } {
  if (isE164(address)) return { to: address.slice(1) };
  if (BSUID.test(address)) return { recipient: address };
  throw refuse('Invalid recipient: it must be a phone like +573001234567 or a WhatsApp business-scoped user id like CO.1502576394655843');
}

/** `recordatorio:es_CO` → `{ name, language }`; a ref that is not one is refused. */
export function parseTemplateRef(ref: string): { name: string; language: string } {
  const at = ref.indexOf(':');
  const name = ref.slice(0, at);
  const language = ref.slice(at + 1);
  if (at < 1 || !TEMPLATE_NAME.test(name) || !TEMPLATE_LANGUAGE.test(language)) throw refuse(`Invalid template reference "${ref.slice(0, 80)}": it must look like recordatorio:es_CO`);
  return { name, language };
}

/** Body parameters: numbered in numeric order (1, 2, …, no gaps), or all named; empty values are refused (Meta would). */
export function templateParameters(variables: Record<string, string> = {}): Record<string, string>[] {
  const keys = Object.keys(variables);
  for (const key of keys) if (typeof variables[key] !== 'string' || variables[key]!.trim() === '') throw refuse(`Template variable ${key.slice(0, 40)} is empty`);
  if (keys.every((key) => NUMBERED.test(key))) {
    const ordered = keys.map(Number).sort((a, b) => a - b);
    if (ordered.some((n, i) => n !== i + 1)) throw refuse('Template variables must be numbered 1, 2, 3… without gaps');
    return ordered.map((n) => ({ type: 'text', text: variables[String(n)]! }));
  }
  if (keys.every((key) => NAMED.test(key))) return keys.map((key) => ({ type: 'text', parameter_name: key, text: variables[key]! }));
  throw refuse('Template variables must be all numbered ({{1}}) or all named ({{first_name}}) in lower case');
}

function mediaPart(link: string, caption: string | undefined): { type: MediaType; part: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw refuse('The media link is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('The media link must be an http(s) URL Meta can fetch');
  const file = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const type = EXTENSIONS[file.split('.').pop()?.toLowerCase() ?? ''] ?? 'document';
  const part: Record<string, string> = { link: url.href };
  if (caption !== undefined) {
    if (type === 'audio') throw refuse('WhatsApp audio takes no caption: send the text as its own message');
    if (caption.length > MAX_CAPTION_LENGTH) throw refuse(`A media caption takes up to ${MAX_CAPTION_LENGTH} characters`);
    part.caption = caption;
  }
  if (type === 'document' && file) part.filename = file.slice(0, 240);
  return { type, part };
}

/** The JSON body for `message`; throws a permanent SendError for anything Meta would refuse anyway. */
export function buildMessageBody(message: OutboundMessage): Record<string, unknown> {
  const key = message.idempotencyKey;
  if (typeof key !== 'string' || key === '' || key.length > MAX_CALLBACK_DATA_LENGTH) throw refuse(`The idempotency key must have 1 to ${MAX_CALLBACK_DATA_LENGTH} characters`);
  const head = { messaging_product: 'whatsapp', recipient_type: 'individual', ...recipientFields(message.to), biz_opaque_callback_data: key };
  if (message.template) {
    const { name, language } = parseTemplateRef(message.template.ref);
    const parameters = templateParameters(message.template.variables);
    const components = parameters.length ? [{ type: 'body', parameters }] : [];
    return { ...head, type: 'template', template: { name, language: { code: language }, ...(components.length ? { components } : {}) } };
  }
  const media = message.mediaUrl ?? [];
  if (media.length > 1) throw refuse('WhatsApp sends one media file per message: split them into one message each');
  if (media.length === 1) {
    const { type, part } = mediaPart(media[0]!, message.body || undefined);
    return { ...head, type, [type]: part };
  }
  if (!message.body) throw refuse('Nothing to send: the message has no text, template or media');
  if (message.body.length > MAX_TEXT_LENGTH) throw refuse(`A WhatsApp text takes up to ${MAX_TEXT_LENGTH} characters`);
  return { ...head, type: 'text', text: { body: message.body, preview_url: false } };
}

/** The wamid of Meta's answer `{ messages: [{ id, message_status? }] }`; a 2xx without one is a lost answer. */
function acceptedMessage(answer: unknown): SendResult {
  const first = (answer as { messages?: unknown } | null)?.messages;
  const message = Array.isArray(first) ? (first[0] as { id?: unknown; message_status?: unknown } | undefined) : undefined;
  if (typeof message?.id !== 'string' || message.id === '') throw new GraphFailure('unreadable', 'Meta answered without a message id');
  const status = typeof message.message_status === 'string' && message.message_status ? message.message_status : 'accepted';
  return { sid: message.id, status };
}

/** Sends one message from `phoneNumberId`: `{ sid: wamid, status: 'accepted' }`, or throws a classified SendError. */
export async function sendMessage(graph: GraphConfig, phoneNumberId: string, message: OutboundMessage): Promise<SendResult> {
  const body = buildMessageBody(message);
  try {
    return acceptedMessage(await graphRequest(graph, graphEndpoint(graph, `${phoneNumberId}/messages`), { method: 'POST', body }));
  } catch (error) {
    throw classifyMetaError(error, graph.accessToken);
  }
}

export interface FindSentOptions {
  /** The wamid of a stored status webhook whose `biz_opaque_callback_data` is `idempotencyKey`, else null. */
  receipts(idempotencyKey: string): Promise<string | null>;
  now?: () => Date;
  /** Default RECEIPT_WAIT_MS. */
  receiptWaitMs?: number;
  /**
   * When this process began taking webhooks (default: when the client was built). Statuses Meta sent while we were
   * down arrive only with its redelivery, so the wait also runs from here: a restart never shortens it.
   */
  startedAt?: Date;
}

/**
 * Reconciles an ambiguous send. Meta keeps no list of sent messages and no idempotency, so the only witness is a
 * status webhook carrying our key: found → `{ sid, status: 'sent' }`; not found while the receipt may still be on its
 * way (less than `receiptWaitMs` since the attempt — `query.attemptedAt`, else `query.since` — and since this process
 * started) → throws an ambiguous SendError (ask again later); after that →
 * null (not sent: the outbox resends). Residual risk: a message Meta took whose every status webhook is delayed past
 * the wait (our webhook down for longer, Meta's redelivery late) is sent twice.
 */
export function createFindSent(options: FindSentOptions): (query: SentQuery) => Promise<SendResult | null> {
  const now = options.now ?? (() => new Date());
  const wait = options.receiptWaitMs ?? RECEIPT_WAIT_MS;
  const startedAt = (options.startedAt ?? now()).getTime();
  return async function findSent(query) {
    const key = query.idempotencyKey;
    // Without its key a Meta send has no witness at all: say so for good rather than resend blind.
    if (!key) throw new SendError({ permanent: true, reason: 'This send has no idempotency key, and Meta can only be asked about a send by its key' });
    const sid = await options.receipts(key);
    if (sid) return { sid, status: 'sent' };
    if (now().getTime() - Math.max((query.attemptedAt ?? query.since).getTime(), startedAt) < wait) {
      throw new SendError({ permanent: false, ambiguous: true, reason: "Waiting for Meta's status webhook to tell whether the message went out" });
    }
    return null;
  };
}
