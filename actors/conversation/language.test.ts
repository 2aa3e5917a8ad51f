/** @module actors/conversation/language.test — the language rule on the short first messages aspirants really send. */
import { describe, expect, test } from 'bun:test';
import { languageOf } from './language';

describe('languageOf', () => {
  test.each([
    ['Hi, I want to work with you', 'en'],
    ['Hello! I saw your ad', 'en'],
    ["Hola, I'm interested in the job", 'en'],
    ['How much do you pay?', 'en'],
    ['Hola, quiero ser modelo', 'es'],
    ['hola buenas', 'es'],
    ['¿Cuánto pagan?', 'es'],
    ['me envías el link', 'es'],
    ['Buenos días, vi el anuncio', 'es'],
  ] as const)('%j is %s', (text, locale) => {
    expect(languageOf(text)).toBe(locale);
  });

  test.each(['', 'ok', '👍', 'STOP', 'BAJA', 'link', 'Valentina', '3001234567'])('%j does not tell', (text) => {
    expect(languageOf(text)).toBeUndefined();
  });
});
