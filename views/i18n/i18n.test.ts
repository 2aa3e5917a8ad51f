/** @module views/i18n/i18n.test — one key set in both catalogues, plurals, times in the reader's zone, Accept-Language. */
import { describe, expect, test } from 'bun:test';
import { canonicalTimeZone, CATALOGUES, isCalendarDay, isTimeZone, localeFromAcceptLanguage, startOfDayIn, translator } from '.';

/** Every leaf's dotted path and value. */
function leaves(node: unknown, prefix = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return [[prefix, node]];
  return Object.entries(node).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}

describe('message catalogues', () => {
  test('Spanish and English have exactly the same keys, each a non-empty text', () => {
    const es = leaves(CATALOGUES.es);
    const en = leaves(CATALOGUES.en);
    expect(en.map(([key]) => key).sort()).toEqual(es.map(([key]) => key).sort());
    for (const [key, value] of [...es, ...en]) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim().length, key).toBeGreaterThan(0);
    }
  });

  test('variables are filled in and the plural form follows the count', () => {
    const es = translator('es');
    const en = translator('en');
    expect(es.t('login.throttled', { count: 1 })).toBe('Demasiados intentos fallidos; espera 1 minuto y vuelve a intentarlo.');
    expect(es.t('login.throttled', { count: 5 })).toBe('Demasiados intentos fallidos; espera 5 minutos y vuelve a intentarlo.');
    expect(en.t('login.throttled', { count: 1 })).toContain('wait 1 minute and');
    expect(en.t('login.throttled', { count: 5 })).toContain('wait 5 minutes and');
    // Spanish's CLDR "many" (a million) falls back to the other form.
    expect(es.t('login.throttled', { count: 1_000_000 })).toContain('1000000 minutos');
    // Variables are text, not markup: the views escape them.
    expect(en.t('admin.users.done.created', { email: '<b>@x' })).toBe('User created: <b>@x');
  });

  test("times are shown in the reader's zone, in the reader's language", () => {
    const at = new Date('2026-12-01T14:05:00Z');
    expect(translator('es').dateTime(at)).toContain('09:05');
    expect(translator('es').dateTime(at)).toContain('dic');
    expect(translator('en', 'Europe/Madrid').dateTime(at)).toContain('15:05');
    expect(translator('en', 'Europe/Madrid').dateTime(at)).toContain('Dec');
  });

  test('an unknown language reads Spanish and an unknown zone is Colombia’s', () => {
    const reader = translator('fr', 'Mars/Olympus');
    expect(reader.locale).toBe('es');
    expect(reader.timeZone).toBe('America/Bogota');
    expect(isTimeZone('America/Bogota')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    // Stored as Intl spells it; bare offsets, which runtimes disagree on, are refused.
    expect(canonicalTimeZone(' america/bogota ')).toBe('America/Bogota');
    expect(isTimeZone('america/bogota')).toBe(false);
    expect(canonicalTimeZone('+05:00')).toBeUndefined();
    expect(canonicalTimeZone('-0300')).toBeUndefined();
  });

  test("before sign-in the browser's Accept-Language picks the language, by its order and weights", () => {
    expect(localeFromAcceptLanguage('en-US,en;q=0.9,es;q=0.8')).toBe('en');
    expect(localeFromAcceptLanguage('fr-FR, en;q=0.5')).toBe('en');
    expect(localeFromAcceptLanguage('en;q=0.3, es-CO;q=0.9')).toBe('es');
    expect(localeFromAcceptLanguage('en;q=0, de')).toBe('es');
    expect(localeFromAcceptLanguage('fr')).toBe('es');
    expect(localeFromAcceptLanguage(undefined)).toBe('es');
    // Parameter names are case-insensitive; only the language subtag counts; malformed weights count for nothing.
    expect(localeFromAcceptLanguage('en;Q=0.1, es;q=0.5')).toBe('es');
    expect(localeFromAcceptLanguage('enm, english')).toBe('es');
    expect(localeFromAcceptLanguage('en;q=0x1, es;q=0.2')).toBe('es');
    expect(localeFromAcceptLanguage('en;q=2, es;q=0.2')).toBe('es');
    expect(localeFromAcceptLanguage('en-GB;q=0.8')).toBe('en');
  });

  test("a day's bounds in the reader's zone follow Intl's rules, summer time included; days that do not exist are refused", () => {
    expect(startOfDayIn('2026-12-01', 'America/Bogota').toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(startOfDayIn('2026-12-31', 'America/Bogota', 1).toISOString()).toBe('2027-01-01T05:00:00.000Z');
    // CET keeps summer time as Intl shows it (Postgres's at time zone would read +01 all year).
    expect(startOfDayIn('2025-07-01', 'CET').toISOString()).toBe('2025-06-30T22:00:00.000Z');
    expect(startOfDayIn('2025-03-30', 'Europe/Madrid', 1).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    for (const day of ['2026-02-28', '2024-02-29', '2026-12-31']) expect(isCalendarDay(day), day).toBe(true);
    for (const day of ['2026-02-31', '2025-02-29', '2026-04-31', '0000-01-01', '2026-13-01', '2026-1-01', '']) expect(isCalendarDay(day), day).toBe(false);
  });
});
