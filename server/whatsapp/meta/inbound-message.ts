/**
 * @module server/whatsapp/meta/inbound-message — one object of a Cloud API webhook's `messages[]`, with its sender's
 * `contacts[]` entry, as the port's InboundMessage: its envelope (the message id and who sent it, which must be
 * usable) and the message model read by ./kinds. A signed message is never refused for its content: any text, an
 * unknown type, a bad coordinate or media item — kept, cut or left out, and marked. Only an envelope that cannot be
 * routed or de-duplicated (no usable `id`, neither a phone number nor a BSUID) fails, and then only this message.
 *
 * Identity (Meta, "Business-scoped user IDs",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/): `from` is her
 * phone number as digits, omitted once she has a username and no recent exchange with us; `from_user_id` (and her
 * contact's `user_id`) is her BSUID; `contacts[].profile.username` her username and `.name` her profile name;
 * `contacts[].wa_id` her WhatsApp id (her number), read when `from` is missing.
 */
import { BSUID, type InboundMessage, type WhatsAppIdentity } from '../port';
import { cleanJson, isObject, jsonFields, Marks, own, type JsonFields, type JsonObject } from './json-fields';
import { metaContent, metaContext, metaPhone, metaReferral } from './kinds';

/**
 * A WhatsApp message id: `wamid.` and base64 today (`wamid.HBgLMTY1…AA=`), older test payloads `ABGGFlA5Fpa`. No `:`,
 * so an id can never be one of our own dedup keys (`wamid:status` for a status, `form:N` for a form submission).
 */
export const MESSAGE_ID = /^[A-Za-z0-9._=+/-]{1,256}$/;

/** What became of one message: kept, or not, with the field to blame (`ignored`: understood but not ours to keep). */
export type MessageOutcome = { ok: true; message: InboundMessage } | { ok: false; ignored: boolean; field: string; message: string };

function failure(field: string, message: string, ignored = false): MessageOutcome {
  return { ok: false, ignored, field, message };
}

/**
 * Her entry in the change's `contacts[]`: the one with her BSUID or her number; else, when the change holds one
 * message (or status) and one contact, that contact (a `wa_id` need not equal `from`, Meta warns) unless its
 * `user_id` names another BSUID; else none.
 */
export function contactFor(contacts: readonly unknown[], items: number, phoneField: unknown, bsuidField: unknown): unknown {
  const found = contacts.find((contact) => (typeof bsuidField === 'string' && own(contact, 'user_id') === bsuidField) || (typeof phoneField === 'string' && own(contact, 'wa_id') === phoneField));
  if (found) return found;
  // The lone contact only when it names no other user: one whose user_id is another BSUID is someone else, and her
  // wa_id must never become this sender's phone.
  const only = contacts.length === 1 && items === 1 ? contacts[0] : undefined;
  const itsBsuid = only === undefined ? undefined : own(only, 'user_id');
  return itsBsuid === undefined || typeof bsuidField !== 'string' || itsBsuid === bsuidField ? only : undefined;
}

/** A phone number at `path`, as E.164; a value that is none is marked and not used. */
export function phoneAt(fields: JsonFields, path: string): string | undefined {
  const value = fields.text(path);
  const phone = value === undefined ? null : metaPhone(value);
  if (value !== undefined && !phone) fields.mark(path, 'invalid');
  return phone ?? undefined;
}

/** A BSUID at `path` (the port's BSUID pattern); a value that is none is marked and not used. */
export function bsuidAt(fields: JsonFields, path: string): string | undefined {
  const value = fields.text(path)?.trim();
  if (value !== undefined && !BSUID.test(value)) fields.mark(path, 'invalid');
  return value !== undefined && BSUID.test(value) ? value : undefined;
}

function identityOf(fields: JsonFields, contact: JsonFields): WhatsAppIdentity {
  const identity: WhatsAppIdentity = {};
  const phone = phoneAt(fields, 'from') ?? phoneAt(contact, 'wa_id');
  const bsuid = bsuidAt(fields, 'from_user_id') ?? bsuidAt(contact, 'user_id');
  const username = contact.text('profile.username')?.trim();
  if (phone) identity.phone = phone;
  if (bsuid) identity.bsuid = bsuid;
  if (username) identity.username = username;
  return identity;
}

/**
 * Parses one `messages[]` object given the change's `contacts[]` and how many messages the change holds. `raw` is
 * `{ message, contact? }`: both as sent, NULs removed, long strings cut (json-fields cleanJson); Meta's `timestamp`
 * (Unix seconds, a string) is kept there. A message in a group (`group_id`, Groups API) is ignored: Wasap's
 * conversations are one-to-one.
 */
export function parseMetaMessage(value: unknown, contacts: readonly unknown[], messages = 1): MessageOutcome {
  if (!isObject(value)) return failure('', 'A message must be a JSON object.');
  const marks = new Marks();
  const rawMessage = cleanJson(value, '', marks) as JsonObject;
  const sentContact = contactFor(contacts, messages, own(value, 'from'), own(value, 'from_user_id'));
  const rawContact = isObject(sentContact) ? (cleanJson(sentContact, 'contact', marks) as JsonObject) : undefined;
  const fields = jsonFields(rawMessage, marks);
  const contact = jsonFields(rawContact ?? {}, marks, 'contact.');

  const id = own(rawMessage, 'id');
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) return failure('id', "id must be the message's WhatsApp id (wamid.…).");
  if (own(rawMessage, 'group_id') !== undefined) return failure('group_id', 'A group message (Groups API) is not kept: conversations are one-to-one.', true);
  const from = identityOf(fields, contact);
  if (!from.phone && !from.bsuid) return failure('from', 'A message needs its sender: from (a phone number) or from_user_id (a BSUID).');

  const { content, body, media } = metaContent(fields);
  const raw: Record<string, unknown> = rawContact ? { message: rawMessage, contact: rawContact } : { message: rawMessage };
  const message: InboundMessage = { messageSid: id, from, body, content, media, raw };
  // Absent fields stay absent (not `undefined`): the message is stored and compared as JSON.
  const profileName = contact.text('profile.name');
  // A reaction's target is its content; Meta sends it no context of its own.
  const context = content.kind === 'reaction' ? undefined : metaContext(fields);
  const referral = metaReferral(fields);
  const frequentlyForwarded = fields.flag('context.frequently_forwarded');
  if (profileName !== undefined) message.profileName = profileName;
  if (context) message.context = context;
  if (referral) message.referral = referral;
  // Meta sends `forwarded` up to 5 forwards and `frequently_forwarded` past them: either means forwarded at all.
  if (frequentlyForwarded || fields.flag('context.forwarded')) message.forwarded = true;
  if (frequentlyForwarded) message.frequentlyForwarded = true;
  if (marks.list.length) message.marks = marks.list;
  return { ok: true, message };
}
