/** @module actors/conversation/characters.test — cuts in characters (code points) that never split one, as charCount counts them. */
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { charCount } from './body-limit';
import { firstCharacters } from './characters';

describe('characters', () => {
  test('an emoji is one character, a family of four is seven (its code points), an accent is one', () => {
    expect(charCount('👍')).toBe(1);
    expect('👍'.length).toBe(2);
    expect(charCount('👨‍👩‍👧‍👦')).toBe(7);
    expect(charCount('canción')).toBe(7);
    expect(charCount('')).toBe(0);
    expect(charCount('👍'.repeat(3000))).toBe(3000);
  });

  test('a lone surrogate counts as one character and is not paired with its neighbour', () => {
    expect(charCount('\ud83d')).toBe(1);
    expect(charCount('a\udc4db')).toBe(3);
    expect(charCount('\ud83d\ud83d\udc4d')).toBe(2);
  });

  test('the first characters never end in half an emoji', () => {
    expect(firstCharacters('ab👍cd', 3)).toBe('ab👍');
    expect(firstCharacters('👍👍👍', 2)).toBe('👍👍');
    expect(firstCharacters('hola', 10)).toBe('hola');
    expect(firstCharacters('hola', 0)).toBe('');
  });

  test('property: a cut has min(n, length) characters and is a prefix, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat(70), (text, n) => {
        const cut = firstCharacters(text, n);
        expect(text.startsWith(cut)).toBe(true);
        expect(charCount(cut)).toBe(Math.min(n, charCount(text)));
        expect(charCount(text)).toBe([...text].length);
      }),
    );
  });
});
