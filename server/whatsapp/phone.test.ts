/** @module server/whatsapp/phone.test — E.164 validation, address normalisation and masking. */
import { describe, expect, test } from 'bun:test';
import { isE164, maskPhone, normaliseWhatsAppAddress, toWhatsAppAddress } from './phone';

describe('isE164', () => {
  test('accepts + and 8 to 15 digits not starting with 0', () => {
    expect(isE164('+573001234567')).toBe(true);
    expect(isE164('+12345678')).toBe(true);
    expect(isE164('+123456789012345')).toBe(true);
  });

  test('rejects missing plus, leading zero, too short, too long and non-digits', () => {
    for (const bad of ['573001234567', '+0573001234567', '+1234567', '+1234567890123456', '+57 300 123', '+57300abc4567', '']) {
      expect(isE164(bad)).toBe(false);
    }
  });
});

describe('normaliseWhatsAppAddress', () => {
  test('strips the whatsapp: prefix', () => {
    expect(normaliseWhatsAppAddress('whatsapp:+573001234567')).toBe('+573001234567');
    expect(normaliseWhatsAppAddress('WhatsApp:+573001234567')).toBe('+573001234567');
  });

  test('passes a bare E.164 through and rejects anything else', () => {
    expect(normaliseWhatsAppAddress('+573001234567')).toBe('+573001234567');
    expect(normaliseWhatsAppAddress('whatsapp:573001234567')).toBeNull();
    expect(normaliseWhatsAppAddress('sms:+573001234567')).toBeNull();
    expect(normaliseWhatsAppAddress('whatsapp:')).toBeNull();
  });

  test('round-trips with toWhatsAppAddress', () => {
    expect(normaliseWhatsAppAddress(toWhatsAppAddress('+573001234567'))).toBe('+573001234567');
  });
});

describe('maskPhone', () => {
  test('keeps the first three and last four characters and the length', () => {
    expect(maskPhone('+573001234567')).toBe('+57******4567');
    expect(maskPhone('whatsapp:+573001234567')).toBe('+57******4567');
    expect(maskPhone('+12345678')).toBe('+12**5678');
  });

  test('masks short values entirely', () => {
    expect(maskPhone('+12345')).toBe('******');
  });
});
