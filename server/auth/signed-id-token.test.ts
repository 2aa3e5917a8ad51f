import { describe, expect, test } from 'bun:test';
import { createFormToken, verifyFormToken } from '../forms/link';
import { createGuardianToken, verifyGuardianToken } from '../privacy/guardian-token';
import { createIdToken, verifyIdToken } from './signed-id-token';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = Date.UTC(2026, 11, 1, 12);
const HOUR = 3_600_000;

describe('signed id tokens', () => {
  test('a token verifies to its id until it expires, to the second', () => {
    const kind = { prefix: 'x1', purpose: 'test:v1' };
    const token = createIdToken(kind, SECRET, 42, NOW, HOUR);
    expect(token).toMatch(/^x1\.42\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyIdToken(kind, SECRET, token, NOW + HOUR - 1000)).toEqual({ ok: true, id: 42, expiresAt: new Date(NOW + HOUR) });
    expect(verifyIdToken(kind, SECRET, token, NOW + HOUR)).toEqual({ ok: false, reason: 'expired' });
  });

  test('a form token is never a guardian token, nor the other way round, even with the prefix swapped', () => {
    const form = createFormToken(SECRET, 7, NOW);
    const guardian = createGuardianToken(SECRET, 7, NOW);
    expect(verifyGuardianToken(SECRET, form, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyFormToken(SECRET, guardian, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyGuardianToken(SECRET, form.replace(/^v1\./, 'g1.'), NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyFormToken(SECRET, guardian.replace(/^g1\./, 'v1.'), NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyGuardianToken(SECRET, guardian, NOW)).toMatchObject({ ok: true, guardianId: 7 });
  });

  test('another id, expiry, signature, secret or shape is invalid', () => {
    const token = createGuardianToken(SECRET, 9, NOW);
    const [prefix, id, expires, mac] = token.split('.') as [string, string, string, string];
    for (const bad of [
      `${prefix}.10.${expires}.${mac}`,
      `${prefix}.${id}.${Number(expires) + 1}.${mac}`,
      `${prefix}.${id}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${token}.extra`,
      `${prefix}.-9.${expires}.${mac}`,
      `${prefix}.0${id}.${expires}.${mac}`,
      `${prefix}.${id}.0${expires}.${mac}`,
      '',
    ]) {
      expect(verifyGuardianToken(SECRET, bad, NOW)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(verifyGuardianToken('another-secret-of-thirty-two-characters!', token, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});
