/**
 * @module server/whatsapp/inbound-parse — Twilio's inbound WhatsApp webhook form as an InboundMessage: its envelope
 * (ids and addresses, which must be right) and the provider-neutral message model (actors/conversation/message-kinds)
 * read by server/whatsapp/twilio-kinds. A signed message is never refused for its content: any length, any text, an
 * unknown type, a bad coordinate or media item — kept, cut or left out, and marked (`marks`). Only an envelope that
 * cannot be routed or de-duplicated (no MessageSid, no From…) is a 400.
 */
import type { InboundMedia } from '../../actors/conversation/message-kinds';
import { normaliseWhatsAppAddress } from './phone';
import type { InboundMessage } from './port';
import { twilioContent, twilioContext, twilioReferral } from './twilio-kinds';
import { MAX_TEXT_CHARACTERS, optional, stripNuls, webhookFields, type WebhookFields } from './webhook-fields';

export { optional, stripNuls };
export type { InboundMessage } from './port';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** Twilio delivers at most 10 media items per message (WhatsApp sends one): items past this are left out and marked. */
export const MAX_MEDIA = 10;

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;
const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
const WHATSAPP_ADDRESS = /^whatsapp:\+\d{8,15}$/;
const DIGITS = /^\d{1,20}$/;
const NON_NEGATIVE_INTEGER = /^\d+$/;
/** A MIME type of a registered top-level type, as Twilio sends them (`image/jpeg`, `audio/ogg; codecs=opus`). */
export const MIME_TYPE = /^(application|audio|font|image|message|model|multipart|text|video)\/[a-z0-9!#$&^_.+-]{1,100}(\s*;[\x20-\x7e]{0,200})?$/i;
/** What a declared type that is no MIME type is stored as: the media worker judges the file by its bytes anyway. */
export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/** Thrown inside the parsers, turned into `{ ok: false }` at the edge: only for an envelope that cannot be used. */
export class InvalidParam extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function requireParam(params: Record<string, string>, field: string): string {
  const value = optional(params, field);
  if (value === undefined) throw new InvalidParam(field, `${field} is required.`);
  return value;
}

function address(params: Record<string, string>, field: 'From' | 'To'): string {
  const value = requireParam(params, field).trim();
  const e164 = WHATSAPP_ADDRESS.test(value) ? normaliseWhatsAppAddress(value) : null;
  if (!e164) throw new InvalidParam(field, `${field} must be a WhatsApp address like whatsapp:+573001234567.`);
  return e164;
}

function sid(params: Record<string, string>, field: string, pattern: RegExp, shape: string): string {
  const value = requireParam(params, field);
  if (!pattern.test(value)) throw new InvalidParam(field, `${field} must be ${shape}.`);
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * How many items to read: NumMedia when it is a whole number (at most MAX_MEDIA, the rest marked `ignored`), else
 * as many MediaUrlN as are there (NumMedia marked `invalid`).
 */
function mediaCount(fields: WebhookFields): number {
  const text = fields.text('NumMedia')?.trim() ?? '0';
  if (NON_NEGATIVE_INTEGER.test(text)) {
    const count = Number(text);
    if (count > MAX_MEDIA) fields.mark('NumMedia', 'ignored', count);
    return Math.min(count, MAX_MEDIA);
  }
  fields.mark('NumMedia', 'invalid');
  let present = 0;
  while (present < MAX_MEDIA && fields.text(`MediaUrl${present}`) !== undefined) present++;
  return present;
}

/**
 * The media items in order. An item without an http(s) URL is left out (nothing could fetch it, and no other scheme
 * is ever fetched); a declared type that is no MIME type is stored as UNKNOWN_MEDIA_TYPE, so a claim like
 * `__proto__` never reaches code that looks types up by their parts. Both are marked.
 */
function parseMedia(fields: WebhookFields): InboundMedia[] {
  const media: InboundMedia[] = [];
  for (let i = 0, count = mediaCount(fields); i < count; i++) {
    const url = fields.text(`MediaUrl${i}`, MAX_TEXT_CHARACTERS);
    if (url === undefined || !isHttpUrl(url)) {
      fields.mark(`MediaUrl${i}`, 'invalid');
      continue;
    }
    const declared = fields.text(`MediaContentType${i}`)?.trim() ?? '';
    if (!MIME_TYPE.test(declared)) fields.mark(`MediaContentType${i}`, 'invalid');
    media.push({ url, contentType: MIME_TYPE.test(declared) ? declared : UNKNOWN_MEDIA_TYPE });
  }
  return media;
}

/** Twilio sends the forwarded flags as `true`/`false`. */
function flag(fields: WebhookFields, field: string): boolean {
  return fields.text(field)?.trim().toLowerCase() === 'true';
}

function build(params: Record<string, string>): InboundMessage {
  const fields = webhookFields(params);
  const { raw } = fields;
  // AccountSid and To are checked (a form without them is not Twilio's) and kept in `raw`; the message is from
  // her number: Twilio's WhatsApp webhooks carry no business-scoped user id.
  const messageSid = sid(raw, 'MessageSid', MESSAGE_SID, 'SM or MM followed by 32 hex digits');
  sid(raw, 'AccountSid', ACCOUNT_SID, 'AC followed by 32 hex digits');
  const envelope = { messageSid, from: { phone: address(raw, 'From') } };
  address(raw, 'To');
  const media = parseMedia(fields);
  const { content, body } = twilioContent(fields, media, fields.text('Body', MAX_TEXT_CHARACTERS) ?? '');
  const message: InboundMessage = { ...envelope, body, content, media, raw };
  // Absent fields stay absent (not `undefined`): the message is stored and compared as JSON.
  const profileName = fields.text('ProfileName');
  // WaId is her number's digits: kept in `raw` when it is digits, marked otherwise.
  const waId = fields.text('WaId')?.trim();
  // A reaction's OriginalRepliedMessageSid is the message it reacts to (its content), not a quote.
  const context = content.kind === 'reaction' ? undefined : twilioContext(fields);
  const referral = twilioReferral(fields);
  if (profileName !== undefined) message.profileName = profileName;
  if (waId !== undefined && !DIGITS.test(waId)) fields.mark('WaId', 'invalid');
  if (context) message.context = context;
  if (referral) message.referral = referral;
  if (flag(fields, 'Forwarded')) message.forwarded = true;
  if (flag(fields, 'FrequentlyForwarded')) message.frequentlyForwarded = true;
  if (fields.marks.length) message.marks = fields.marks;
  return message;
}

/**
 * Parses the form Twilio posts for an inbound WhatsApp message. A failure (`field` is Twilio's parameter name) is only
 * ever an envelope one: MessageSid, AccountSid, From or To missing or malformed.
 */
export function parseInboundWebhook(params: Record<string, string>): ParseResult<InboundMessage> {
  try {
    return { ok: true, value: build(params) };
  } catch (error) {
    if (error instanceof InvalidParam) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
