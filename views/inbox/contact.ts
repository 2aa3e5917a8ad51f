/**
 * @module views/inbox/contact — how the inbox shows who she is on WhatsApp where it used to show her number. A
 * WhatsApp user with a username may hide her number (server/whatsapp/port): then the inbox shows her username, else
 * her profile name, else a short masked business-scoped user id (BSUID). No HTML here: callers escape.
 */

/** Her identity as stored (server/db/schema/aspirants): `key` is the conversation key, her first phone or BSUID. */
export interface IdentityFields {
  key: string;
  phone?: string | null;
  username?: string | null;
  bsuid?: string | null;
  whatsappName?: string | null;
}

const E164 = /^\+[1-9]\d{7,14}$/;

/** Her number: the phone attribute, else a key that is a number (a row made before phones were kept apart). */
export function phoneOf(fields: IdentityFields): string | undefined {
  return fields.phone ?? (E164.test(fields.key) ? fields.key : undefined);
}

/** Her BSUID: the attribute, else a key that is not a number. */
export function bsuidOf(fields: IdentityFields): string | undefined {
  return fields.bsuid ?? (E164.test(fields.key) ? undefined : fields.key);
}

/**
 * `CO.1502576394655843` → `CO.…5843`: enough to tell two apart, too little to copy (the full one is in her panel).
 * Short ids are shown whole.
 */
export function maskBsuid(bsuid: string): string {
  const dot = bsuid.lastIndexOf('.');
  const tail = bsuid.slice(dot + 1);
  return tail.length <= 6 ? bsuid : `${bsuid.slice(0, dot + 1)}…${tail.slice(-4)}`;
}

/** `@valentina` for a stored username (kept without its `@`). */
export function atUsername(username: string): string {
  return `@${username}`;
}

/** What stands for her number: the number, else `@username`, else her WhatsApp profile name, else her masked BSUID. */
export function contactLabel(fields: IdentityFields): string {
  const phone = phoneOf(fields);
  if (phone) return phone;
  if (fields.username) return atUsername(fields.username);
  if (fields.whatsappName) return fields.whatsappName;
  return maskBsuid(bsuidOf(fields) ?? fields.key);
}

/** Her name as the inbox shows it: the form's first and last name, else her WhatsApp profile name, else `contactLabel`. */
export function personName(fields: IdentityFields & { firstName?: string | null; lastName?: string | null }): string {
  const full = [fields.firstName, fields.lastName].filter(Boolean).join(' ').trim();
  return full || fields.whatsappName || contactLabel(fields);
}
