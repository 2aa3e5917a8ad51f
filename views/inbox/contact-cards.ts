/**
 * @module views/inbox/contact-cards — a shared contact's name and numbers, read from its vCard (3.0 as WhatsApp writes
 * it, or 4.0) with ical.js: a tolerant RFC 6350 parser kept by Mozilla's calendar team, with no dependencies.
 */
import ICAL from 'ical.js';
import type { ContactCardView } from './types';

/** The most vCard text read for one message: a card with a photo inlined is cut off here, never parsed whole. */
export const MAX_VCARD_BYTES = 256 * 1024;
/** The most cards and numbers shown: a pasted address book stays a bubble. */
const MAX_CARDS = 20;
const MAX_PHONES = 10;

type JCard = ['vcard', unknown[], unknown[]];

function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.filter((part) => typeof part === 'string' && part.trim()).join(' ');
  return typeof value === 'string' ? value : '';
}

/** What a tel: link dials: a leading + and the digits (a 4.0 `tel:` URI's prefix and any extension dropped). */
function dialOf(number: string): string {
  const bare = number.replace(/^tel:/i, '').split(/[;,]/)[0]!;
  const digits = bare.replace(/\D/g, '');
  return digits ? `${bare.trim().startsWith('+') ? '+' : ''}${digits}` : '';
}

function cardOf(jcard: JCard): ContactCardView | undefined {
  const card = new ICAL.Component(jcard);
  const fn = textOf(card.getFirstPropertyValue('fn')).trim();
  const n = textOf(card.getFirstPropertyValue('n')).trim();
  const phones = card
    .getAllProperties('tel')
    .map((tel) => {
      const number = textOf(tel.getFirstValue()).replace(/^tel:/i, '').trim();
      // WhatsApp writes the number's WhatsApp id beside it (`waid=573001112233`): the surest digits to dial.
      const waid = tel.getParameter('waid');
      return { number, dial: typeof waid === 'string' && /^\d{6,15}$/.test(waid) ? `+${waid}` : dialOf(number) };
    })
    .filter((phone) => phone.number && phone.dial)
    .slice(0, MAX_PHONES);
  const name = fn || n;
  return name || phones.length ? { name, phones } : undefined;
}

/** The cards in a vCard text (one or many); [] when it is not a vCard at all. */
export function parseContactCards(text: string): ContactCardView[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text.slice(0, MAX_VCARD_BYTES));
  } catch {
    return [];
  }
  const list = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
  return list
    .filter((item): item is JCard => Array.isArray(item) && item[0] === 'vcard')
    .slice(0, MAX_CARDS)
    .map(cardOf)
    .filter((card) => card !== undefined);
}
