/**
 * @module server/whatsapp/meta/inbound — the body Meta POSTs to our webhook, once its signature is checked
 * (./signature), as the port's inbound messages and status updates. The envelope is Meta's "Webhooks" reference for
 * WhatsApp Business Accounts (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview/):
 * `object: "whatsapp_business_account"`, `entry[].changes[]`, each change `{ field, value }`; the `messages` field's
 * value carries `metadata.phone_number_id` (which of the account's numbers it is for), `contacts[]`, `messages[]`,
 * `statuses[]` and `errors[]`. One POST may carry several entries, changes, messages and statuses: all are returned,
 * in the order sent. Nothing here throws: what cannot be used is reported, per message or status, and the rest is
 * still taken.
 */
import type { InboundMessage, StatusUpdate } from '../port';
import { isObject, own } from './json-fields';
import { parseMetaMessage } from './inbound-message';
import { parseMetaStatus } from './statuses';

export { metaMediaId, metaMediaRef } from './kinds';
export { signMetaBody, verifyChallenge, verifyMetaSignature } from './signature';

/** Something of the body that was not taken: where (`entry[0].changes[1].value.messages[2]`), the field, and why. */
export interface MetaWebhookIssue {
  where: string;
  field: string;
  message: string;
}

export interface MetaWebhook {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  /** What should have been usable and was not (no message id, no sender, an unknown status…): log it, store nothing. */
  rejected: MetaWebhookIssue[];
  /**
   * What was understood and is not ours to take: another phone number's changes, other webhook fields, group
   * messages, statuses we do not track (played, deleted, warning), and the `errors[]` Meta reports on a change.
   */
  ignored: MetaWebhookIssue[];
}

export interface MetaWebhookOptions {
  /** Our business phone number's id (META_PHONE_NUMBER_ID): changes for any other number are ignored. */
  phoneNumberId: string;
}

/** The parts of a `messages` change's value read here or on purpose not at all. */
const READ = new Set(['messaging_product', 'metadata', 'contacts', 'messages', 'statuses', 'errors']);

/** A short, printable account of a value that was not what we expected, for an issue's message. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** The array at `key` ([] when absent, unless `required`); anything else is rejected. */
function list(value: unknown, key: string, where: string, out: MetaWebhook, required = false): unknown[] {
  const items = own(value, key);
  if (!required && (items === undefined || items === null)) return [];
  if (Array.isArray(items)) return items;
  out.rejected.push({ where, field: key, message: `${key} must be an array, not ${shown(items)}.` });
  return [];
}

function readValue(value: Record<string, unknown>, where: string, out: MetaWebhook): void {
  const contacts = list(value, 'contacts', where, out);
  const messages = list(value, 'messages', where, out);
  messages.forEach((item, i) => {
    const outcome = parseMetaMessage(item, contacts, messages.length);
    if (outcome.ok) out.messages.push(outcome.message);
    else (outcome.ignored ? out.ignored : out.rejected).push({ where: `${where}.messages[${i}]`, field: outcome.field, message: outcome.message });
  });
  const statuses = list(value, 'statuses', where, out);
  statuses.forEach((item, i) => {
    const outcome = parseMetaStatus(item, contacts, statuses.length);
    if (outcome.ok) out.statuses.push(outcome.update);
    else (outcome.ignored ? out.ignored : out.rejected).push({ where: `${where}.statuses[${i}]`, field: outcome.field, message: outcome.message });
  });
  list(value, 'errors', where, out).forEach((error, i) => {
    const code = own(error, 'code');
    const title = own(error, 'title') ?? own(error, 'message');
    const said = `${typeof code === 'number' ? code : shown(code)}${typeof title === 'string' ? ` (${title.slice(0, 200)})` : ''}`;
    out.ignored.push({ where: `${where}.errors[${i}]`, field: 'errors', message: `Meta reported error ${said} on this change.` });
  });
  for (const key of Object.keys(value)) if (!READ.has(key)) out.ignored.push({ where, field: key, message: `${key} is not read.` });
}

function readChange(change: unknown, where: string, opts: MetaWebhookOptions, out: MetaWebhook): void {
  if (!isObject(change)) return void out.rejected.push({ where, field: '', message: `A change must be a JSON object, not ${shown(change)}.` });
  const field = own(change, 'field');
  if (field !== 'messages') return void out.ignored.push({ where, field: 'field', message: `Webhook field ${shown(field)} is not read (only messages).` });
  const value = own(change, 'value');
  if (!isObject(value)) return void out.rejected.push({ where, field: 'value', message: `value must be a JSON object, not ${shown(value)}.` });
  const phoneNumberId = own(own(value, 'metadata'), 'phone_number_id');
  if (typeof phoneNumberId !== 'string' || !phoneNumberId) {
    return void out.rejected.push({ where: `${where}.value`, field: 'metadata.phone_number_id', message: 'metadata.phone_number_id is missing: the change cannot be routed.' });
  }
  if (phoneNumberId !== opts.phoneNumberId) {
    return void out.ignored.push({ where: `${where}.value`, field: 'metadata.phone_number_id', message: `For phone number id ${shown(phoneNumberId)}, not ours.` });
  }
  readValue(value, `${where}.value`, out);
}

/**
 * Parses a verified webhook body (the JSON value of the POST). Takes only `messages` changes whose
 * `metadata.phone_number_id` is `opts.phoneNumberId`; everything else is reported in `ignored`, and every message or
 * status that cannot be used in `rejected`. A body of any shape returns; it never throws.
 */
export function parseMetaWebhook(body: unknown, opts: MetaWebhookOptions): MetaWebhook {
  const out: MetaWebhook = { messages: [], statuses: [], rejected: [], ignored: [] };
  if (!isObject(body)) {
    out.rejected.push({ where: '', field: 'object', message: `The body must be a JSON object, not ${shown(body)}.` });
    return out;
  }
  const object = own(body, 'object');
  if (object !== 'whatsapp_business_account') {
    out.ignored.push({ where: '', field: 'object', message: `Webhook object ${shown(object)} is not read (only whatsapp_business_account).` });
    return out;
  }
  list(body, 'entry', '', out, true).forEach((entry, e) => {
    const where = `entry[${e}]`;
    if (!isObject(entry)) return void out.rejected.push({ where, field: '', message: `An entry must be a JSON object, not ${shown(entry)}.` });
    list(entry, 'changes', where, out, true).forEach((change, c) => readChange(change, `${where}.changes[${c}]`, opts, out));
  });
  return out;
}
