/** @module server/whatsapp/error-codes.test — every known provider error code has one plain reason in each language, and only those; the providers' codes never meet. */
import { describe, expect, test } from 'bun:test';
import { CATALOGUES } from '../../views/i18n';
import { isKnownErrorCode, KNOWN_ERROR_CODES, knownCode, META_ERROR_CODES, TWILIO_ERROR_CODES } from './error-codes';

const codes = Object.keys(KNOWN_ERROR_CODES).sort();

function transient(table: Readonly<Record<number, { permanent?: boolean }>>): number[] {
  return Object.entries(table)
    .filter(([, known]) => known.permanent === false)
    .map(([code]) => Number(code));
}

describe('KNOWN_ERROR_CODES', () => {
  test.each(['es', 'en'] as const)('the %s catalogue has a plain reason for exactly the known codes', (locale) => {
    const reasons: Record<string, string> = CATALOGUES[locale].inbox.delivery.errors;
    expect(Object.keys(reasons).sort()).toEqual(codes);
    for (const code of codes) {
      const reason = reasons[code]!;
      expect(reason.trim().length, code).toBeGreaterThan(10);
      // Said once, by the view: the words never carry the code themselves.
      expect(reason, code).not.toContain(code);
    }
  });

  test('at least the codes recruiters meet: window, recipient, app version, Meta’s choices, opt-out, length, rate', () => {
    for (const code of [63016, 63024, 63032, 63049, 130472, 21211, 21408, 21610, 21614, 21617, 63003, 63018]) expect(isKnownErrorCode(code), String(code)).toBe(true);
    for (const code of [131047, 131026, 131049, 131050, 131056, 130429, 132001, 190]) expect(isKnownErrorCode(code), String(code)).toBe(true);
    expect(isKnownErrorCode(30008)).toBe(false);
    expect(isKnownErrorCode(undefined)).toBe(false);
  });

  test('Twilio’s and Meta’s codes never meet, so the view needs no provider to explain a stored code', () => {
    const twilio = Object.keys(TWILIO_ERROR_CODES);
    const meta = new Set(Object.keys(META_ERROR_CODES));
    expect(twilio.filter((code) => meta.has(code))).toEqual([]);
    // Meta's short codes are not Twilio's HTTP-like 400/403/404/410/503 either.
    for (const code of [400, 403, 404, 410, 503]) expect(meta.has(String(code)), String(code)).toBe(false);
    expect(Object.keys(KNOWN_ERROR_CODES).length).toBe(twilio.length + meta.size);
  });

  test('each classifier reads its own provider’s table', () => {
    expect(knownCode('meta', 131056)).toEqual({ permanent: false });
    expect(knownCode('twilio', 131056)).toBeUndefined();
    expect(knownCode('twilio', 63018)).toEqual({ permanent: false });
    expect(knownCode('meta', 63018)).toBeUndefined();
    expect(knownCode('meta', undefined)).toBeUndefined();
    // An Object property name is not a code.
    expect(knownCode('meta', 'constructor' as unknown as number)).toBeUndefined();
  });

  test('only the rate limits pass with time at Twilio; at Meta also its own passing trouble; every other known code is final', () => {
    expect(transient(TWILIO_ERROR_CODES)).toEqual([20429, 63018]);
    expect(transient(META_ERROR_CODES)).toEqual([1, 2, 4, 613, 80007, 130429, 131000, 131016, 131048, 131056]);
    for (const [code, known] of Object.entries(META_ERROR_CODES)) expect(typeof known.permanent, code).toBe('boolean');
  });
});
