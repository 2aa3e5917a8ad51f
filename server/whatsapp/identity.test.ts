/** @module server/whatsapp/identity.test — identities checked and normalised as stored; the key of a new person. */
import { describe, expect, test } from 'bun:test';
import { keyOf, MAX_USERNAME, normaliseIdentity } from './identity';

describe('provider identity', () => {
  test('the key is her number when known, else her BSUID', () => {
    expect(keyOf({ phone: '+573001112233', bsuid: 'CO.1502576394655843' })).toBe('+573001112233');
    expect(keyOf({ bsuid: 'CO.1502576394655843', username: 'vale' })).toBe('CO.1502576394655843');
    expect(() => keyOf({ username: 'vale' })).toThrow(TypeError);
  });

  test('a username loses its @ and spaces and is cut; a malformed phone or BSUID is left out; neither usable throws', () => {
    expect(normaliseIdentity({ bsuid: ' CO.1502576394655843 ', username: ' @vale.g ' })).toEqual({ bsuid: 'CO.1502576394655843', username: 'vale.g' });
    expect(normaliseIdentity({ phone: '3001112233', bsuid: 'US.ENT.11815799212886844830', username: '@' })).toEqual({ bsuid: 'US.ENT.11815799212886844830' });
    expect(normaliseIdentity({ phone: '+573001112233', bsuid: 'not a bsuid' })).toEqual({ phone: '+573001112233' });
    expect(normaliseIdentity({ phone: '+573001112233', username: 'x'.repeat(500) }).username).toHaveLength(MAX_USERNAME);
    expect(() => normaliseIdentity({ phone: '573001112233', username: 'vale' })).toThrow(TypeError);
  });

  test('a username is cut by whole characters (never half an emoji: Postgres refuses it) and loses control and bidi characters', () => {
    const cut = normaliseIdentity({ bsuid: 'CO.1', username: `${'a'.repeat(MAX_USERNAME - 1)}😀😀` }).username!;
    expect(Array.from(cut)).toHaveLength(MAX_USERNAME);
    expect(cut.endsWith('😀')).toBe(true);
    expect(cut.isWellFormed()).toBe(true);
    expect(normaliseIdentity({ bsuid: 'CO.1', username: 'va\u202ele\n.g\u0000' }).username).toBe('vale.g');
    expect(normaliseIdentity({ bsuid: 'CO.1', username: '@@\ud800x' }).username).toBe('\ufffdx');
  });
});
