/** @module server/whatsapp/inbound-parse — validates Twilio's inbound WhatsApp webhook form into an InboundMessage. */
import { normaliseWhatsAppAddress } from './phone';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export interface InboundMedia {
  url: string;
  contentType: string;
}

export interface InboundLocation {
  latitude: number;
  longitude: number;
  address?: string;
  label?: string;
}

export interface InboundMessage {
  messageSid: string;
  accountSid: string;
  /** E.164, without the `whatsapp:` prefix. */
  from: string;
  to: string;
  body: string;
  profileName?: string;
  waId?: string;
  media: InboundMedia[];
  location?: InboundLocation;
  button?: { text: string; payload?: string };
  repliedToSid?: string;
  /** Every parameter Twilio sent, NUL characters removed: the audit copy and the source for fields we do not model. */
  raw: Record<string, string>;
}

/** WhatsApp's own limit for a text message. */
export const MAX_BODY_LENGTH = 4096;
/** Twilio delivers at most 10 media items per WhatsApp message. */
export const MAX_MEDIA = 10;

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;
const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
const WHATSAPP_ADDRESS = /^whatsapp:\+\d{8,15}$/;
const DIGITS = /^\d{1,20}$/;
const NON_NEGATIVE_INTEGER = /^\d+$/;
/** A MIME type of a registered top-level type, as Twilio sends them (`image/jpeg`, `audio/ogg; codecs=opus`). */
const MIME_TYPE = /^(application|audio|font|image|message|model|multipart|text|video)\/[a-z0-9!#$&^_.+-]{1,100}(\s*;[\x20-\x7e]{0,200})?$/i;
/** What a declared type that is no MIME type is stored as: the media worker judges the file by its bytes anyway. */
export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/** Thrown inside the parsers, turned into `{ ok: false }` at the edge. */
export class InvalidParam extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * NUL characters are stripped because Postgres text columns reject them and nothing legitimate
 * sends them; everything downstream (including `raw`) sees the cleaned values.
 */
export function stripNuls(params: Record<string, string>): Record<string, string> {
  if (!hasNul(params)) return params;
  const clean: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(params)) clean[key.replaceAll('\u0000', '')] = String(value).replaceAll('\u0000', '');
  return clean;
}

/** Almost no request carries a NUL: checking first spares the copy. */
function hasNul(params: Record<string, string>): boolean {
  for (const key in params) if (key.includes('\u0000') || String(params[key]).includes('\u0000')) return true;
  return false;
}

/** Non-empty value or undefined: Twilio sends empty strings for absent optional fields. */
export function optional(params: Record<string, string>, field: string): string | undefined {
  const value = params[field];
  return value === undefined || value === '' ? undefined : value;
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

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The declared content type, or UNKNOWN_MEDIA_TYPE when it is not a MIME type: the message is kept (refusing it would
 * lose what the aspirant sent), and a claim like `__proto__` never reaches code that looks types up by their parts.
 */
function mimeType(declared: string): string {
  const trimmed = declared.trim();
  return MIME_TYPE.test(trimmed) ? trimmed : UNKNOWN_MEDIA_TYPE;
}

function parseMedia(params: Record<string, string>): InboundMedia[] {
  const text = optional(params, 'NumMedia') ?? '0';
  const count = NON_NEGATIVE_INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!(count <= MAX_MEDIA)) throw new InvalidParam('NumMedia', `NumMedia must be a whole number from 0 to ${MAX_MEDIA}.`);
  const media: InboundMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = requireParam(params, `MediaUrl${i}`);
    if (!isHttpUrl(url)) throw new InvalidParam(`MediaUrl${i}`, `MediaUrl${i} must be an http or https URL.`);
    media.push({ url, contentType: mimeType(requireParam(params, `MediaContentType${i}`)) });
  }
  return media;
}

function coordinate(params: Record<string, string>, field: 'Latitude' | 'Longitude', limit: number): number {
  const text = requireParam(params, field);
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new InvalidParam(field, `${field} must be a number from -${limit} to ${limit}.`);
  }
  return value;
}

/** A location needs both coordinates; one without the other is a malformed request. */
function parseLocation(params: Record<string, string>): InboundLocation | undefined {
  if (optional(params, 'Latitude') === undefined && optional(params, 'Longitude') === undefined) return undefined;
  const location: InboundLocation = {
    latitude: coordinate(params, 'Latitude', 90),
    longitude: coordinate(params, 'Longitude', 180),
  };
  const place = optional(params, 'Address');
  const label = optional(params, 'Label');
  if (place !== undefined) location.address = place;
  if (label !== undefined) location.label = label;
  return location;
}

function parseButton(params: Record<string, string>): InboundMessage['button'] {
  const text = optional(params, 'ButtonText');
  const payload = optional(params, 'ButtonPayload');
  if (text === undefined && payload === undefined) return undefined;
  return payload === undefined ? { text: text ?? '' } : { text: text ?? payload, payload };
}

function sid(params: Record<string, string>, field: string, pattern: RegExp, shape: string): string {
  const value = requireParam(params, field);
  if (!pattern.test(value)) throw new InvalidParam(field, `${field} must be ${shape}.`);
  return value;
}

function build(raw: Record<string, string>): InboundMessage {
  const body = raw.Body ?? '';
  if (body.length > MAX_BODY_LENGTH) throw new InvalidParam('Body', `Body is longer than WhatsApp's ${MAX_BODY_LENGTH} characters.`);
  const message: InboundMessage = {
    messageSid: sid(raw, 'MessageSid', MESSAGE_SID, 'SM or MM followed by 32 hex digits'),
    accountSid: sid(raw, 'AccountSid', ACCOUNT_SID, 'AC followed by 32 hex digits'),
    from: address(raw, 'From'),
    to: address(raw, 'To'),
    body,
    media: parseMedia(raw),
    raw,
  };
  const waId = optional(raw, 'WaId');
  if (waId !== undefined && !DIGITS.test(waId)) throw new InvalidParam('WaId', 'WaId must be digits only.');
  const profileName = optional(raw, 'ProfileName');
  const location = parseLocation(raw);
  const button = parseButton(raw);
  const repliedToSid = optional(raw, 'OriginalRepliedMessageSid');
  // Absent fields stay absent (not `undefined`): the message is stored and compared as JSON.
  if (profileName !== undefined) message.profileName = profileName;
  if (waId !== undefined) message.waId = waId;
  if (location !== undefined) message.location = location;
  if (button !== undefined) message.button = button;
  if (repliedToSid !== undefined) message.repliedToSid = repliedToSid;
  return message;
}

/** Parses the form Twilio posts for an inbound WhatsApp message; `field` in a failure is Twilio's parameter name. */
export function parseInboundWebhook(params: Record<string, string>): ParseResult<InboundMessage> {
  try {
    return { ok: true, value: build(stripNuls(params)) };
  } catch (error) {
    if (error instanceof InvalidParam) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
