/**
 * @module server/whatsapp/webhook-fields — a signed webhook's fields read without refusing any for its content: NULs
 * removed, every value kept whole up to a length we store (counted in characters), and each part not kept as sent
 * named in the message's marks (actors/conversation/message-kinds PartMark).
 */
import { charCount } from '../../actors/conversation/body-limit';
import { firstCharacters } from '../../actors/conversation/characters';
import type { PartMark } from '../../actors/conversation/message-kinds';

/**
 * The most characters of one value we store: WhatsApp's own cap on a text message (65,536). Twilio documents a
 * message body of up to 1,600 characters (its Message resource, which also represents inbound messages; error 21617
 * for longer ones it is asked to send), so this only ever cuts what did not come from WhatsApp through Twilio, and
 * keeps a 10,000-character text (or 3,000 emoji) whole.
 */
export const MAX_TEXT_CHARACTERS = 65_536;
/** The most characters of a name, label, title, id or URL we keep (a longer one is cut and marked). */
export const MAX_FIELD_CHARACTERS = 4_096;

/**
 * NUL characters are stripped because Postgres text columns reject them and nothing legitimate sends them;
 * everything downstream (including `raw`) sees the cleaned values.
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

export interface WebhookFields {
  /** Every field as received, NULs removed, each value cut to MAX_TEXT_CHARACTERS: the copy stored with the event. */
  readonly raw: Record<string, string>;
  /** The parts not kept as sent, in the order they were found. */
  readonly marks: PartMark[];
  /** A field's non-empty value, cut to `max` characters (marked when cut); undefined when absent or empty. */
  text(field: string, max?: number): string | undefined;
  /** Notes a part not kept as sent (once per field and mark). */
  mark(field: string, mark: PartMark['mark'], length?: number): void;
}

/** The fields of one webhook request, ready to be read without refusing any. */
export function webhookFields(params: Record<string, string>): WebhookFields {
  const marks: PartMark[] = [];
  function mark(field: string, kind: PartMark['mark'], length?: number): void {
    if (marks.some((m) => m.field === field && m.mark === kind)) return;
    marks.push(length === undefined ? { field, mark: kind } : { field, mark: kind, length });
  }
  const clean = stripNuls(params);
  let raw = clean;
  for (const [field, value] of Object.entries(clean)) {
    // Cheap first test: a value of no more UTF-16 units than the cap has no more characters either.
    if (value.length <= MAX_TEXT_CHARACTERS || charCount(value) <= MAX_TEXT_CHARACTERS) continue;
    if (raw === clean) raw = Object.assign(Object.create(null) as Record<string, string>, clean);
    raw[field] = firstCharacters(value, MAX_TEXT_CHARACTERS);
    mark(field, 'cut', charCount(value));
  }
  return {
    raw,
    marks,
    mark,
    text(field, max = MAX_FIELD_CHARACTERS) {
      const value = optional(raw, field);
      if (value === undefined || value.length <= max || charCount(value) <= max) return value;
      mark(field, 'cut', charCount(clean[field] ?? value));
      return firstCharacters(value, max);
    },
  };
}
