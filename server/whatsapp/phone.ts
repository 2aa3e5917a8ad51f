/** @module server/whatsapp/phone — E.164 checks, `whatsapp:` address conversion and masking phone numbers for logs. */

const E164 = /^\+[1-9]\d{7,14}$/;
const WHATSAPP_PREFIX = /^whatsapp:/i;

/** True for `+` followed by 8–15 digits, the first not 0 (ITU-T E.164 as Twilio and WhatsApp use it). */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** `whatsapp:+573001234567` → `+573001234567`; a bare E.164 passes through; anything else → null. */
export function normaliseWhatsAppAddress(address: string): string | null {
  const number = address.trim().replace(WHATSAPP_PREFIX, '');
  return isE164(number) ? number : null;
}

/** `+573001234567` → `whatsapp:+573001234567`, the address form Twilio's API wants for WhatsApp. */
export function toWhatsAppAddress(e164: string): string {
  return `whatsapp:${e164}`;
}

/**
 * `+573001234567` → `+57******4567`: enough to tell numbers apart in a log without exposing them
 * (Colombia's Law 1581 treats phone numbers as personal data). Length is kept so lines align.
 */
export function maskPhone(value: string): string {
  const number = value.trim().replace(WHATSAPP_PREFIX, '');
  if (number.length < 8) return '*'.repeat(number.length);
  return number.slice(0, 3) + '*'.repeat(number.length - 7) + number.slice(-4);
}
