/** @module actors/bot/text.test — word matching, rendering, durations and suggestions. */
import { describe, expect, test } from 'bun:test';
import { closest, containsKeyword, parseDuration, renderTemplate, variablesIn, words } from './text';

describe('text helpers', () => {
  test('words ignore case, accents and punctuation', () => {
    expect(words('¿CUÁNTO pagan?? Año, niño… 😊')).toEqual(['cuanto', 'pagan', 'ano', 'nino']);
  });

  test('keywords match whole words and consecutive phrases only', () => {
    const text = words('Hola, ¿cuánto pagan por hora?');
    expect(containsKeyword(text, 'Cuanto')).toBe(true);
    expect(containsKeyword(text, 'cuánto pagan')).toBe(true);
    expect(containsKeyword(text, 'pagan cuánto')).toBe(false);
    expect(containsKeyword(text, 'horas')).toBe(false);
    expect(containsKeyword(text, 'pag')).toBe(false);
    expect(containsKeyword(text, '¿?')).toBe(false);
  });

  test('rendering replaces every placeholder once and never leaves one raw', () => {
    expect(renderTemplate('Hola {firstName}, {formLink} {missing}', { firstName: '{formLink}', formLink: 'https://x' })).toBe('Hola {formLink}, https://x ');
    expect(variablesIn('a {one} {two_2} { no } {3x}')).toEqual(['one', 'two_2']);
  });

  test('durations: minutes, hours, days; nothing else', () => {
    expect(['30m', '4h', '1d', ' 24h '].map(parseDuration)).toEqual([1_800_000, 14_400_000, 86_400_000, 86_400_000]);
    expect(['0h', '4', '4 h', '1.5h', '2w', '-1h', '91d', ''].map(parseDuration)).toEqual([null, null, null, null, null, null, null, null]);
  });

  test('suggestions only for plausible typos', () => {
    expect(closest('welcom', ['welcome', 'handoff'])).toBe('welcome');
    expect(closest('Welcome', ['welcome'])).toBe('welcome');
    expect(closest('xyz', ['welcome', 'handoff'])).toBeUndefined();
  });
});
