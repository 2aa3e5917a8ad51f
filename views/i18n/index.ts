/**
 * @module views/i18n — the words and times every recruiter and admin page shows, in the reader's language and time
 * zone: `translator(locale, timeZone)` → `t(key, vars)` over the catalogues in ./es and ./en (i18next: interpolation,
 * plurals by Intl.PluralRules), the catalogue itself for label maps, and dates formatted with Intl in that zone.
 */
import { fromZonedTime } from 'date-fns-tz';
import i18next from 'i18next';
import { isLocale, LOCALES, type Locale } from '../../actors/vocabulary';
import type { Catalogue, MessageKey } from './catalogue';
import { en } from './en';
import { es } from './es';

export type { Catalogue, MessageKey } from './catalogue';

/** Colombia's zone (UTC−5, no daylight saving): the first market's, for users who have not chosen one. */
export const DEFAULT_TIME_ZONE = 'America/Bogota';
/** Spanish (Colombia) first. */
export const DEFAULT_PAGE_LOCALE: Locale = 'es';

export const CATALOGUES: Record<Locale, Catalogue> = { es, en };

/** BCP 47 tags for Intl: Colombian Spanish, and English with 24-hour times as the Spanish pages use. */
const INTL_LOCALE: Record<Locale, string> = { es: 'es-CO', en: 'en-GB' };

const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: CATALOGUES[locale] }])),
  lng: DEFAULT_PAGE_LOCALE,
  fallbackLng: false,
  // Plain text out: the views escape everything they render (`safe`), catalogue words and variables alike.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

export interface Translator {
  locale: Locale;
  /** An IANA zone, e.g. America/Bogota. */
  timeZone: string;
  /** The message for `key` with `{{name}}` variables filled in; `count` picks the plural form. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The whole catalogue of this language, for label maps keyed by a vocabulary (audit actions, roles). */
  messages: Catalogue;
  /** The BCP 47 tag Intl formats this language with (es-CO, en-GB), for scripts that format in the browser. */
  intlLocale: string;
  /** A whole number as the reader writes it: "1.600" / "1,600". */
  number(value: number): string;
  /** A date and time in the reader's zone, 24-hour: "1 de dic de 2026, 09:05" / "1 Dec 2026, 09:05". */
  dateTime(date: Date): string;
  /** `locale~timeZone`: readers with the same key read the same words and clocks (a push is rendered once per key). */
  key: string;
  /** A date in the reader's zone, in one of the inbox's shapes (see DATE_SHAPES). */
  format(date: Date, shape: DateShape): string;
  /** The calendar day of `date` in the reader's zone, `YYYY-MM-DD`. */
  day(date: Date): string;
}

/** The shapes the inbox shows a date in, as Intl options: "14:05", "lun", "12 mar", "12 mar 2023", "lunes, 11 de marzo". */
const DATE_SHAPES = {
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  weekday: { weekday: 'short' },
  dayMonth: { day: 'numeric', month: 'short' },
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  longDay: { weekday: 'long', day: 'numeric', month: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
export type DateShape = keyof typeof DATE_SHAPES;

/**
 * The IANA name of a time zone as Intl spells it ("america/bogota" → "America/Bogota"), or undefined for anything
 * else: an unknown name, or a bare UTC offset ("+05:00"), which some runtimes accept and others refuse.
 */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64 || /^[+-]/.test(zone.trim())) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Whether `zone` is an IANA time zone this runtime knows, spelled as Intl spells it. */
export function isTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && canonicalTimeZone(zone) === zone;
}

/** One translator per language and zone, made once: Intl formatters cost tens of microseconds to build. */
const translators = new Map<string, Translator>();

/** The translator for a reader; an unknown locale reads Spanish, an unknown zone Colombia's. Made once per (locale, zone). */
export function translator(locale: string | null | undefined, timeZone?: string | null): Translator {
  const lang: Locale = isLocale(locale) ? locale : DEFAULT_PAGE_LOCALE;
  const zone = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  const key = `${lang}~${zone}`;
  const known = translators.get(key);
  if (known) return known;
  const fixed = i18n.getFixedT(lang);
  const intl = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(INTL_LOCALE[lang], { ...options, timeZone: zone });
  const dateTimeFormat = intl({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const shapes = Object.fromEntries(Object.entries(DATE_SHAPES).map(([shape, options]) => [shape, intl(options)])) as Record<DateShape, Intl.DateTimeFormat>;
  // en-CA writes a date as YYYY-MM-DD.
  const dayFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone });
  const numberFormat = new Intl.NumberFormat(INTL_LOCALE[lang]);
  const made: Translator = {
    locale: lang,
    timeZone: zone,
    key,
    t: (k, vars) => String(fixed(k, vars ?? {})),
    messages: CATALOGUES[lang],
    intlLocale: INTL_LOCALE[lang],
    number: (value) => numberFormat.format(value),
    dateTime: (date) => dateTimeFormat.format(date),
    format: (date, shape) => shapes[shape].format(date),
    day: (date) => dayFormat.format(date),
  };
  translators.set(key, made);
  return made;
}

/** Whether `text` is a calendar day that exists, YYYY-MM-DD from the year 1000 (a date input's value): 2026-02-31 is not. */
export function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1000 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The instant a calendar day (YYYY-MM-DD, checked with isCalendarDay) begins in `timeZone`, by the same Intl rules
 * that draw the times (date-fns-tz): Postgres's own `at time zone` reads CET or EET as fixed offsets, and does not
 * know every name Intl does. `days` moves to a later day (1: the instant the day ends).
 */
export function startOfDayIn(day: string, timeZone: string, days = 0): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const local = new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
  return fromZonedTime(`${local}T00:00:00`, timeZone);
}

/**
 * The reader's language from an Accept-Language header (before sign-in: the login page): the first of LOCALES by
 * the header's own order and q-values (RFC 9110 §12.5.4), else Spanish.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_PAGE_LOCALE;
  const ranges = header
    .slice(0, 2000)
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
      // RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); anything else is ignored.
      const weight = q === undefined ? 1 : QVALUE.test(q.slice(2)) ? Number(q.slice(2)) : 0;
      return { lang: tag.trim().split('-')[0]!.toLowerCase(), weight, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranges.map((r) => r.lang).find(isLocale) ?? DEFAULT_PAGE_LOCALE;
}

const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;
