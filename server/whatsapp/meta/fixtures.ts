/**
 * @module server/whatsapp/meta/fixtures — Cloud API webhook payloads shaped as Meta's "Messages webhook reference"
 * documents them (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/),
 * for unit tests, the fake Graph API and scenario tests: builders for a message of each kind with its sender's
 * `contacts[]` entry (`metaTextMessage({ from, bsuid, username, id, body })`), a status (`metaStatus`), a change of our
 * number (`metaChange`) and the POST body (`metaWebhook`). Values are test data: `from` is digits as Meta writes them,
 * a BSUID is `CO.` and digits, ids look like Meta's. Sign a body with ./signature signMetaBody.
 */
import type { Json, JsonObject } from './json-fields';

/** Our business number as Meta's examples show it: its id, its display number and its account's id. */
export const META_PHONE_NUMBER_ID = '106540352242922';
export const META_DISPLAY_NUMBER = '15550783881';
export const META_WABA_ID = '102290129340398';
/** Unix seconds as a string, as Meta sends `timestamp`. */
export const META_TIMESTAMP = '1749416383';
/** The aspirant the builders write as by default: her number as digits, her BSUID, her profile name. */
export const META_ASPIRANT = { from: '573001234567', bsuid: 'CO.1502576394655843', name: 'Valentina' } as const;

/** A wamid like Meta's (`wamid.` and base64 of the chat's number and a message key), the same for the same seed. */
export function metaWamid(seed: string | number, phone: string = META_ASPIRANT.from): string {
  const key = new Bun.CryptoHasher('sha256').update(String(seed)).digest('hex').slice(0, 32).toUpperCase();
  return `wamid.${Buffer.from(`\u001c\u0018\u000c${phone}\u0015\u0002\u0000\u0012\u0018\u0020${key}\u0000`, 'latin1').toString('base64')}`;
}

/** A message of ours she replies or reacts to (Meta's `context.id`, `reaction.message_id`). */
export const META_QUOTED_ID = metaWamid('quoted', META_DISPLAY_NUMBER);

/** Who a message is from. `from`/`bsuid` default to META_ASPIRANT's; pass null to leave one out (a username-only user has no `from`). */
export interface MetaSender {
  from?: string | null;
  bsuid?: string | null;
  username?: string;
  name?: string | null;
}

export interface MetaMessageOptions extends MetaSender {
  id?: string;
  timestamp?: string;
  /** Meta's `context`: `{ from, id }` for a quoted reply, `{ forwarded: true }`… */
  context?: JsonObject;
  referral?: JsonObject;
  /** More fields of the message object (`errors`, `group_id`…). */
  extra?: JsonObject;
}

/** One `messages[]` object and its sender's `contacts[]` entry (absent when the builder was told none). */
export interface MetaInbound {
  message: JsonObject;
  contact?: JsonObject;
}

function digits(value: string): string {
  return value.replace(/^\+/, '');
}

/** Her `contacts[]` entry: `profile.{name, username}`, `wa_id`, `user_id`; undefined when there is nothing to say. */
export function metaContact(sender: MetaSender = {}): JsonObject | undefined {
  const from = sender.from === undefined ? META_ASPIRANT.from : sender.from;
  const bsuid = sender.bsuid === undefined ? META_ASPIRANT.bsuid : sender.bsuid;
  const name = sender.name === undefined ? META_ASPIRANT.name : sender.name;
  const profile: JsonObject = {};
  if (name !== null) profile.name = name;
  if (sender.username !== undefined) profile.username = sender.username;
  const contact: JsonObject = {};
  if (Object.keys(profile).length) contact.profile = profile;
  if (from !== null) contact.wa_id = digits(from);
  if (bsuid !== null) contact.user_id = bsuid;
  return Object.keys(contact).length ? contact : undefined;
}

/** A message of `type` carrying `payload` under that name (none for `request_welcome`), as Meta sends it. */
export function metaMessage(type: string, payload: Json | undefined, opts: MetaMessageOptions = {}): MetaInbound {
  const from = opts.from === undefined ? META_ASPIRANT.from : opts.from;
  const bsuid = opts.bsuid === undefined ? META_ASPIRANT.bsuid : opts.bsuid;
  const message: JsonObject = {};
  if (opts.context) message.context = opts.context;
  if (from !== null) message.from = digits(from);
  if (bsuid !== null) message.from_user_id = bsuid;
  message.id = opts.id ?? metaWamid(`${type}:${JSON.stringify(payload ?? null)}`, from ?? META_ASPIRANT.from);
  message.timestamp = opts.timestamp ?? META_TIMESTAMP;
  message.type = type;
  if (payload !== undefined) message[type] = payload;
  if (opts.referral) message.referral = opts.referral;
  Object.assign(message, opts.extra);
  const contact = metaContact(opts);
  return contact ? { message, contact } : { message };
}

export function metaTextMessage(opts: MetaMessageOptions & { body: string }): MetaInbound {
  return metaMessage('text', { body: opts.body }, opts);
}

/** A media message: `media` holds the type's object beyond `id`, `mime_type` and `sha256` (caption, filename, voice…). */
export function metaMediaMessage(type: 'image' | 'video' | 'audio' | 'document' | 'sticker', mimeType: string, media: JsonObject = {}, opts: MetaMessageOptions = {}): MetaInbound {
  const hash = (text: string) => new Bun.CryptoHasher('sha256').update(text).digest('hex');
  // Meta's media ids are 15–16 digits.
  const id = String(media.id ?? BigInt(`0x${hash(`${type}:${mimeType}`).slice(0, 13)}`));
  const sha256 = hash(id);
  return metaMessage(type, { mime_type: mimeType, sha256, id, url: `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${id}`, ...media }, opts);
}

export interface MetaStatusOptions {
  id?: string;
  status: string;
  /** Her number as digits (`recipient_id`); null to leave it out (a message sent to her BSUID). */
  to?: string | null;
  /** Her BSUID (`recipient_user_id`), when the message was sent to it. */
  bsuid?: string;
  /** Adds the change's `contacts[]` entry (Meta leaves it out of failed statuses). */
  contact?: MetaSender;
  errors?: JsonObject[];
  pricingCategory?: string;
  callbackData?: string;
  timestamp?: string;
}

/** One `statuses[]` object (and its `contacts[]` entry when asked), as Meta sends it for a message we sent. */
export function metaStatus(opts: MetaStatusOptions): { status: JsonObject; contact?: JsonObject } {
  const status: JsonObject = { id: opts.id ?? metaWamid(`sent:${opts.status}`), status: opts.status, timestamp: opts.timestamp ?? META_TIMESTAMP };
  const to = opts.to === undefined ? META_ASPIRANT.from : opts.to;
  if (to !== null) status.recipient_id = digits(to);
  if (opts.bsuid !== undefined) status.recipient_user_id = opts.bsuid;
  if (opts.callbackData !== undefined) status.biz_opaque_callback_data = opts.callbackData;
  if (opts.pricingCategory !== undefined) status.pricing = { billable: opts.pricingCategory !== 'service', pricing_model: 'PMP', type: 'regular', category: opts.pricingCategory };
  if (opts.errors) status.errors = opts.errors;
  const contact = opts.contact ? metaContact(opts.contact) : undefined;
  return contact ? { status, contact } : { status };
}

export interface MetaChangeParts {
  messages?: MetaInbound[];
  statuses?: { status: JsonObject; contact?: JsonObject }[];
  /** `value.errors[]`: errors Meta reports on the change itself. */
  errors?: JsonObject[];
  phoneNumberId?: string;
  displayNumber?: string;
  /** The webhook field; `messages` unless testing another. */
  field?: string;
}

/** One `changes[]` item: `{ value: { messaging_product, metadata, contacts, messages, statuses, errors }, field }`. */
export function metaChange(parts: MetaChangeParts): JsonObject {
  const value: JsonObject = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: parts.displayNumber ?? META_DISPLAY_NUMBER, phone_number_id: parts.phoneNumberId ?? META_PHONE_NUMBER_ID },
  };
  const contacts: JsonObject[] = [];
  for (const item of [...(parts.messages ?? []), ...(parts.statuses ?? [])]) {
    if (item.contact && !contacts.some((c) => JSON.stringify(c) === JSON.stringify(item.contact))) contacts.push(item.contact);
  }
  if (contacts.length) value.contacts = contacts;
  if (parts.messages?.length) value.messages = parts.messages.map((item) => item.message);
  if (parts.statuses?.length) value.statuses = parts.statuses.map((item) => item.status);
  if (parts.errors?.length) value.errors = parts.errors;
  return { value, field: parts.field ?? 'messages' };
}

/** The POST body: one entry (our account) holding `changes`, or one entry per list of `entries`. */
export function metaWebhook(...changes: JsonObject[]): JsonObject {
  return metaWebhookEntries([changes]);
}

export function metaWebhookEntries(entries: JsonObject[][]): JsonObject {
  return { object: 'whatsapp_business_account', entry: entries.map((changes) => ({ id: META_WABA_ID, changes })) };
}

/** A whole POST body for `messages` (and `statuses`) of our number: the common case in one call. */
export function metaInboundWebhook(...messages: MetaInbound[]): JsonObject {
  return metaWebhook(metaChange({ messages }));
}
