/**
 * @module server/whatsapp/identity — a provider identity (server/whatsapp/port `WhatsAppIdentity`) as the intake
 * stores it: checked, normalised, and its conversation key. Since April 2026 Meta sends a business-scoped user id
 * (BSUID) with every message and status, and a user with a username may hide her number
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/): an
 * aspirant is found by her BSUID where there is one, else by her phone (server/db/batch-insert resolves it).
 */
import { isE164 } from './phone';
import { BSUID, type WhatsAppIdentity } from './port';

/** A username longer than this is cut (WhatsApp's are far shorter); it is shown, never used to find anyone. */
export const MAX_USERNAME = 100;

/**
 * The conversation key of a person seen for the first time (actor key, `aspirants.whatsapp_id`): her number when
 * known, else her BSUID. Throws TypeError when the identity has neither.
 */
export function keyOf(identity: WhatsAppIdentity): string {
  const key = identity.phone ?? identity.bsuid;
  if (!key) throw new TypeError('A WhatsApp identity needs a phone or a BSUID.');
  return key;
}

/**
 * The identity as stored: a phone only when E.164, a BSUID only when it has Meta's shape, the username without its
 * `@`, control and format characters, trimmed and cut to MAX_USERNAME characters (absent when empty). A malformed phone beside a good BSUID (or the reverse)
 * is left out: the message is still routed. Throws TypeError when neither a phone nor a BSUID is usable — the
 * providers' parsers refuse such an envelope before it gets here.
 */
export function normaliseIdentity(identity: WhatsAppIdentity): WhatsAppIdentity {
  const phone = identity.phone?.trim();
  const bsuid = identity.bsuid?.trim();
  // Cut by whole characters (a surrogate pair never halved: Postgres refuses a lone half, and the webhook would fail
  // on every redelivery), well-formed, with control and format characters (newlines, bidi overrides) removed.
  const cleaned = identity.username
    ?.toWellFormed()
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .replace(/^@+/, '')
    .trim();
  const username = cleaned === undefined ? undefined : Array.from(cleaned).slice(0, MAX_USERNAME).join('');
  const out: WhatsAppIdentity = {};
  if (phone && isE164(phone)) out.phone = phone;
  if (bsuid && BSUID.test(bsuid)) out.bsuid = bsuid;
  if (!out.phone && !out.bsuid) throw new TypeError('A WhatsApp identity needs an E.164 phone or a BSUID.');
  if (username) out.username = username;
  return out;
}
