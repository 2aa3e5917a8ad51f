/**
 * @module server/whatsapp/meta/statuses — one object of a Cloud API webhook's `statuses[]` as the port's StatusUpdate.
 * Fields from Meta's "Status messages webhook reference"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/): `id`
 * (the wamid we got when sending), `status` (sent, delivered, read, failed; also played, and the On-Premises API's
 * deleted/warning), `recipient_id` (her number as digits, or a group id), `recipient_type`, `recipient_user_id` (her
 * BSUID, per "Business-scoped user IDs"), `biz_opaque_callback_data`, `pricing.category`, `errors[]` (`code`, `title`,
 * `message`, `error_data.details`). The change's `contacts[]` may name her too (`wa_id`, `user_id`,
 * `profile.username`); Meta leaves it out of failed statuses.
 */
import type { CallbackStatus, StatusUpdate, WhatsAppIdentity } from '../port';
import { bsuidAt, contactFor, MESSAGE_ID, phoneAt } from './inbound-message';
import { cleanJson, isObject, jsonFields, Marks, own, type JsonFields, type JsonObject } from './json-fields';

/** Meta's statuses that are ours too (a Map: a status named `constructor` must not find Object's prototype). */
const STATUSES: ReadonlyMap<string, CallbackStatus> = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'read'],
  ['failed', 'failed'],
]);
/**
 * Statuses understood and not tracked: `played` (a voice note of ours was played, after `read`); `deleted` (she
 * deleted a message of hers) and `warning` (a catalog item in our message is unavailable), both documented for the
 * On-Premises API (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/outbound), neither a delivery.
 */
const NOT_TRACKED: ReadonlySet<string> = new Set(['played', 'deleted', 'warning']);

/** What became of one status: an update, or not, with the field to blame (`ignored`: understood but not tracked). */
export type StatusOutcome = { ok: true; update: StatusUpdate } | { ok: false; ignored: boolean; field: string; message: string };

function failure(field: string, message: string, ignored = false): StatusOutcome {
  return { ok: false, ignored, field, message };
}

function recipientOf(fields: JsonFields, contact: JsonFields): WhatsAppIdentity {
  const recipient: WhatsAppIdentity = {};
  const phone = phoneAt(fields, 'recipient_id') ?? phoneAt(contact, 'wa_id');
  const bsuid = bsuidAt(fields, 'recipient_user_id') ?? bsuidAt(contact, 'user_id');
  const username = contact.text('profile.username')?.trim();
  if (phone) recipient.phone = phone;
  if (bsuid) recipient.bsuid = bsuid;
  if (username) recipient.username = username;
  return recipient;
}

/** Meta's error code: a whole number (JSON number or digits); anything else is left out (the raw copy keeps it). */
function errorCode(fields: JsonFields): number | undefined {
  const value = fields.value('errors.0.code');
  const code = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(code) && code >= 0 ? code : undefined;
}

/** `title` (else `message`) and, when it says more, `error_data.details`: "Re-engagement message: Message failed to send…". */
function errorMessage(fields: JsonFields): string | undefined {
  const title = fields.text('errors.0.title') ?? fields.text('errors.0.message');
  const details = fields.text('errors.0.error_data.details');
  const parts = [title, details === title ? undefined : details].filter((part) => part !== undefined);
  return parts.length ? parts.join(': ') : undefined;
}

/**
 * Parses one `statuses[]` object given the change's `contacts[]` and how many statuses the change holds. Fails (this
 * status only) without a usable `id`, with a status we do not know, or without a recipient (neither a phone number nor
 * a BSUID); `played`, `deleted`, `warning` and a group's statuses are ignored. `raw` is `{ status, contact? }`, NULs
 * removed, long strings cut.
 */
export function parseMetaStatus(value: unknown, contacts: readonly unknown[], statuses = 1): StatusOutcome {
  if (!isObject(value)) return failure('', 'A status must be a JSON object.');
  const marks = new Marks();
  const rawStatus = cleanJson(value, '', marks) as JsonObject;
  const sentContact = contactFor(contacts, statuses, own(value, 'recipient_id'), own(value, 'recipient_user_id'));
  const rawContact = isObject(sentContact) ? (cleanJson(sentContact, 'contact', marks) as JsonObject) : undefined;
  const fields = jsonFields(rawStatus, marks);

  const id = own(rawStatus, 'id');
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) return failure('id', "id must be the sent message's WhatsApp id (wamid.…).");
  const word = fields.text('status')?.trim().toLowerCase();
  if (word !== undefined && NOT_TRACKED.has(word)) return failure('status', `Status "${word}" is not a delivery status Wasap tracks.`, true);
  const status = word === undefined ? undefined : STATUSES.get(word);
  if (!status) return failure('status', `status must be sent, delivered, read or failed (got ${JSON.stringify(word?.slice(0, 40) ?? null)}).`);
  if (fields.text('recipient_type') === 'group') return failure('recipient_type', "A group's status is not tracked: conversations are one-to-one.", true);
  const recipient = recipientOf(fields, jsonFields(rawContact ?? {}, marks, 'contact.'));
  if (!recipient.phone && !recipient.bsuid) return failure('recipient_id', 'A status needs its recipient: recipient_id (a phone number) or recipient_user_id (a BSUID).');

  const update: StatusUpdate = { messageSid: id, recipient, status, raw: rawContact ? { status: rawStatus, contact: rawContact } : { status: rawStatus } };
  const code = errorCode(fields);
  const message = errorMessage(fields);
  const pricingCategory = fields.text('pricing.category')?.trim();
  const callbackData = fields.text('biz_opaque_callback_data');
  if (code !== undefined) update.errorCode = code;
  if (message !== undefined) update.errorMessage = message;
  if (pricingCategory) update.pricingCategory = pricingCategory;
  if (callbackData !== undefined) update.callbackData = callbackData;
  return { ok: true, update };
}
