/** @module actors/conversation/body-limit.test — characters are code points: emoji count once, combining marks count apart. */
import { describe, expect, test } from 'bun:test';
import { charCount, fitsInOneMessage, MAX_BODY_CHARS } from './body-limit';

describe('charCount', () => {
  test('counts code points, not UTF-16 units', () => {
    expect(charCount('')).toBe(0);
    expect(charCount('hola')).toBe(4);
    expect(charCount('ñandú')).toBe(5);
    // An emoji outside the BMP is two UTF-16 units and one character.
    expect('😀'.length).toBe(2);
    expect(charCount('😀')).toBe(1);
    expect(charCount('Hola Valentina 👋')).toBe(16);
    expect(charCount('𝒜')).toBe(1);
  });

  test('a combining mark is a code point of its own; the precomposed letter is one', () => {
    expect(charCount('e\u0301')).toBe(2);
    expect(charCount('é')).toBe(1);
    expect(charCount('e\u0301'.normalize('NFC'))).toBe(1);
  });

  test('modifiers and joiners count, as Twilio counts them: one visible emoji may be several characters', () => {
    expect(charCount('👍🏽')).toBe(2);
    expect(charCount('👨‍👩‍👧‍👦')).toBe(7);
    expect(charCount('🇨🇴')).toBe(2);
  });

  test('a lone surrogate is one character, as it is one code point', () => {
    expect(charCount('\ud83d')).toBe(1);
  });
});

describe('fitsInOneMessage', () => {
  test('1,600 characters fit, 1,601 do not, whatever their UTF-16 length', () => {
    expect(MAX_BODY_CHARS).toBe(1600);
    expect(fitsInOneMessage('a'.repeat(1600))).toBe(true);
    expect(fitsInOneMessage('a'.repeat(1601))).toBe(false);
    const emoji = '😀'.repeat(1600);
    expect(emoji.length).toBe(3200);
    expect(fitsInOneMessage(emoji)).toBe(true);
    expect(fitsInOneMessage(`${emoji}a`)).toBe(false);
  });
});
