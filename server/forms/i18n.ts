/** @module server/forms/i18n — which language a form page speaks; the words themselves are in views/form/strings. */
import { isLocale, type Locale } from '../../actors/vocabulary';

export const DEFAULT_LOCALE: Locale = 'es';

/**
 * The page's language: an explicit ?lang= wins, then what we know of the aspirant, then the browser's
 * Accept-Language (only for pages where the aspirant is unknown), then Spanish.
 */
export function pickLocale(lang: string | null | undefined, known?: string | null, acceptLanguage?: string | null): Locale {
  if (isLocale(lang)) return lang;
  if (isLocale(known)) return known;
  const first = acceptLanguage?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return isLocale(first) ? first : DEFAULT_LOCALE;
}
