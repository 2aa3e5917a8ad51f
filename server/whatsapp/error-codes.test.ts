/** @module server/whatsapp/error-codes.test — every known provider error code has one plain reason in each language, and only those. */
import { describe, expect, test } from 'bun:test';
import { CATALOGUES } from '../../views/i18n';
import { isKnownErrorCode, KNOWN_ERROR_CODES } from './error-codes';

const codes = Object.keys(KNOWN_ERROR_CODES).sort();

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
    expect(isKnownErrorCode(30008)).toBe(false);
    expect(isKnownErrorCode(undefined)).toBe(false);
  });

  test('only the rate limits pass with time; every other known code is final', () => {
    const transient = Object.entries(KNOWN_ERROR_CODES)
      .filter(([, known]) => known.permanent === false)
      .map(([code]) => Number(code));
    expect(transient).toEqual([20429, 63018]);
  });
});
