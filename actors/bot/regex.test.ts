/** @module actors/bot/regex.test — script regexes under RE2 semantics: what matches, what a script may not hold. */
import { describe, expect, test } from 'bun:test';
import { MAX_REGEX_LENGTH, regexMatches, regexProblem } from './regex';

describe('script regexes', () => {
  test('match anywhere in the message, ignoring case, accented letters included', () => {
    expect(regexMatches('\\bmodel[oa]s?\\b', 'Quiero ser MODELO ya')).toBe(true);
    expect(regexMatches('ñandú', 'UN ÑANDÚ')).toBe(true);
    expect(regexMatches('^hola$', 'hola, ¿cómo estás?')).toBe(false);
  });

  test('a pattern that backtracks for seconds in JavaScript is an ordinary non-match here', () => {
    expect(regexMatches('^(.|.|.)*z0', 'hola, quiero trabajar '.repeat(20))).toBe(false);
    expect(regexMatches('^(a+)+$', `${'a'.repeat(40)}!`)).toBe(false);
  });

  test('lookaround, back-references and overlong patterns are refused with the reason; such a pattern matches nothing', () => {
    expect(regexProblem('(?<=a)b')).toContain('error parsing regexp');
    expect(regexProblem('(a)\\1')).toContain('error parsing regexp');
    expect(regexProblem('x'.repeat(MAX_REGEX_LENGTH + 1))).toBe(`a regex has at most ${MAX_REGEX_LENGTH} characters`);
    expect(regexProblem('x'.repeat(MAX_REGEX_LENGTH))).toBeUndefined();
    expect(regexMatches('(?<=a)b', 'ab')).toBe(false);
  });
});
