/** @module server/forms/link.test — form tokens verify, expire, and refuse any tampering. */
import { describe, expect, test } from 'bun:test';
import { createFormToken, verifyFormToken } from './link';

const SECRET = 's'.repeat(64);
const NOW = Date.UTC(2026, 10, 27);

describe('form tokens', () => {
  test('a fresh token verifies to its aspirant until it expires', () => {
    const token = createFormToken(SECRET, 42, NOW, 60_000);
    expect(verifyFormToken(SECRET, token, NOW + 59_000)).toEqual({ ok: true, aspirantId: 42, expiresAt: new Date(NOW + 60_000) });
    expect(verifyFormToken(SECRET, token, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('changing the aspirant, the expiry, the signature or the secret makes it invalid', () => {
    const token = createFormToken(SECRET, 42, NOW);
    const [v, id, exp, sig] = token.split('.');
    expect(verifyFormToken(SECRET, [v, '43', exp, sig].join('.'), NOW).ok).toBe(false);
    expect(verifyFormToken(SECRET, [v, id, String(Number(exp) + 1), sig].join('.'), NOW).ok).toBe(false);
    expect(verifyFormToken(SECRET, [v, id, exp, `${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`].join('.'), NOW).ok).toBe(false);
    expect(verifyFormToken('t'.repeat(64), token, NOW).ok).toBe(false);
    for (const junk of ['', 'v1', 'v2.1.2.x', '../../etc/passwd', `${token}x`]) expect(verifyFormToken(SECRET, junk, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});
