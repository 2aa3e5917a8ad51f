/**
 * @module server/whatsapp/meta/vcard — the contact cards of a Cloud API `contacts` message as vCard text, the form the
 * message model keeps them in (actors/conversation/message-kinds ContactsContent.vcards) and the inbox reads
 * (views/inbox/contact-cards). Meta sends each card as structured JSON (name, phones, emails, org, addresses, urls,
 * birthday: "Contacts messages webhook reference",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/contacts/),
 * and since the BSUID changes of 2026 may add the card's own `vcard` text, which is then kept as sent.
 */
import { MAX_TEXT_CHARACTERS } from '../webhook-fields';
import { isObject, type JsonFields } from './json-fields';

/** The most cards kept from one message: as many as the inbox shows (views/inbox/contact-cards); the rest are marked. */
export const MAX_CONTACT_CARDS = 20;
/** The most numbers, e-mails, addresses or links kept from one card. */
const MAX_ITEMS = 10;

/**
 * A text value escaped for vCard (RFC 6350 §3.4): backslash, newline and comma; a semicolon only inside a structured
 * value (N, ORG, ADR), where it separates components — in a single text (FN, TITLE) readers such as ical.js keep `\;`.
 */
function escapeText(value: string, structured = false): string {
  const text = value
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/,/g, '\\,');
  return structured ? text.replace(/;/g, '\\;') : text;
}

/** A TYPE parameter as Meta sends it (`CELL`, `WORK`, `HOME`, `Mobile`): letters, digits and dashes only. */
function typeParam(value: string | undefined): string {
  const clean = (value ?? '').replace(/[^A-Za-z0-9-]/g, '');
  return clean ? `;TYPE=${clean}` : '';
}

function listLength(fields: JsonFields, path: string): number {
  const list = fields.value(path);
  if (!Array.isArray(list)) return 0;
  if (list.length > MAX_ITEMS) fields.mark(path, 'ignored', list.length);
  return Math.min(list.length, MAX_ITEMS);
}

/** The lines of one card built from Meta's JSON (`base` is its path, `contacts.0`). */
function cardLines(fields: JsonFields, base: string): string[] {
  const text = (path: string) => fields.text(`${base}.${path}`);
  const name = ['last_name', 'first_name', 'middle_name', 'prefix', 'suffix'].map((part) => escapeText(text(`name.${part}`) ?? '', true));
  const given = ['first_name', 'middle_name', 'last_name'].map((part) => text(`name.${part}`)).filter((part) => part !== undefined);
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escapeText(text('name.formatted_name') ?? given.join(' '))}`];
  if (name.some(Boolean)) lines.push(`N:${name.join(';')}`);
  const org = ['company', 'department'].map((part) => escapeText(text(`org.${part}`) ?? '', true));
  if (org.some(Boolean)) lines.push(`ORG:${org.join(';')}`);
  const title = text('org.title');
  if (title) lines.push(`TITLE:${escapeText(title)}`);
  for (let i = 0, count = listLength(fields, `${base}.phones`); i < count; i++) {
    const phone = text(`phones.${i}.phone`);
    const waId = text(`phones.${i}.wa_id`);
    // WhatsApp's own cards name the number's WhatsApp id the same way: TEL;type=CELL;waid=573001112233:+57 300 1112233.
    const waid = waId && /^\d{6,15}$/.test(waId) ? `;waid=${waId}` : '';
    if (phone || waid) lines.push(`TEL${typeParam(text(`phones.${i}.type`))}${waid}:${escapeText(phone ?? `+${waId}`)}`);
  }
  for (let i = 0, count = listLength(fields, `${base}.emails`); i < count; i++) {
    const email = text(`emails.${i}.email`);
    if (email) lines.push(`EMAIL${typeParam(text(`emails.${i}.type`))}:${escapeText(email)}`);
  }
  for (let i = 0, count = listLength(fields, `${base}.addresses`); i < count; i++) {
    const parts = ['street', 'city', 'state', 'zip', 'country'].map((part) => escapeText(text(`addresses.${i}.${part}`) ?? '', true));
    if (parts.some(Boolean)) lines.push(`ADR${typeParam(text(`addresses.${i}.type`))}:;;${parts.join(';')}`);
  }
  for (let i = 0, count = listLength(fields, `${base}.urls`); i < count; i++) {
    const url = text(`urls.${i}.url`);
    if (url) lines.push(`URL${typeParam(text(`urls.${i}.type`))}:${escapeText(url)}`);
  }
  const birthday = text('birthday');
  if (birthday && /^\d{4}-\d{2}-\d{2}$/.test(birthday)) lines.push(`BDAY:${birthday}`);
  lines.push('END:VCARD');
  return lines;
}

/**
 * The cards of the message's `contacts` array as vCard text, in order: each card's own `vcard` when Meta sent one, else
 * a vCard 3.0 built from its fields. Cards past MAX_CONTACT_CARDS are left out and the array marked `ignored`.
 */
export function metaVcards(fields: JsonFields): string[] {
  const cards = fields.value('contacts');
  if (!Array.isArray(cards)) {
    fields.mark('contacts', 'invalid');
    return [];
  }
  if (cards.length > MAX_CONTACT_CARDS) fields.mark('contacts', 'ignored', cards.length);
  const vcards: string[] = [];
  for (let i = 0; i < Math.min(cards.length, MAX_CONTACT_CARDS); i++) {
    if (!isObject(cards[i])) {
      fields.mark(`contacts.${i}`, 'invalid');
      continue;
    }
    const sent = fields.text(`contacts.${i}.vcard`, MAX_TEXT_CHARACTERS);
    vcards.push(sent ?? cardLines(fields, `contacts.${i}`).join('\r\n'));
  }
  return vcards;
}
