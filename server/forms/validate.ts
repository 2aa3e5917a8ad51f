/** @module server/forms/validate — one validation for the hosted form, its inline checks and the external webhook. */
import type { FormProfile } from '../../actors/conversation/types';
import { DAY_PARTS, isLocale, MODELING_TYPES, SHIFTS, type ConsentScope, type DayPart, type Locale, type ModelingType, type Shift } from '../../actors/vocabulary';
import { strings } from '../../views/form/strings';
import { EMPTY_GUARDIAN } from '../../views/form/minor-types';
import { FORM_FIELDS, type FormErrors, type FormField, type FormValues } from '../../views/form/types';
import { checkMinor, collectMinor, isMinorAt, type GuardianInput } from './validate-minor';
import { checkSensitive, collectSensitive, type SensitiveProfile } from './validate-sensitive';
import { EMPTY_MEASUREMENTS, SENSITIVE_SCOPES } from '../../views/form/sensitive-types';

// The form's view model lives with its views; re-exported for the routes and tests that validate forms.
export { FORM_FIELDS, type FormErrors, type FormField, type FormValues };

export const LIMITS = { name: 80, location: 120, notes: 1000, email: 254 } as const;

/** `guardian`: a minor's guardian, to be recorded and asked for authorisation (server/privacy/guardians). */
export type FormResult = { ok: true; profile: FormProfile; values: FormValues; guardian?: GuardianInput } | { ok: false; errors: FormErrors; values: FormValues };

/** Form posts, JSON and urlencoded bodies all arrive here: strings, string arrays, booleans or numbers. */
export type FormInput = Record<string, unknown>;

// C0/C1 controls, and the invisible bidi and zero-width marks that can disguise a name in the inbox.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g;
export const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{4,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const TRUE = new Set(['true', 'yes', 'si', 'sí', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** One line of text: controls removed, line breaks and runs of spaces folded to one space. */
export function cleanLine(value: unknown): string {
  return first(value).normalize('NFC').replace(LINE_BREAKS, ' ').replace(CONTROLS, '').replace(/\s+/g, ' ').trim();
}

/** Free text keeps its line breaks (as \n) but loses every other control character. */
export function cleanText(value: unknown): string {
  return first(value)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(CONTROLS, '')
    .trim();
}

/**
 * The first value as a string. Lone surrogates (JSON can carry `"\ud800"`; a browser never sends one) become U+FFFD:
 * they have no UTF-8 form, and Postgres refuses them in text and jsonb.
 */
function first(value: unknown): string {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' || typeof one === 'number' || typeof one === 'boolean' ? String(one).toWellFormed() : '';
}

/** A repeated field, a JSON array or a comma-separated list. */
function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map(cleanLine).filter((item) => item !== '');
}

function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = cleanLine(value).toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/** Matches a choice case-insensitively and returns its canonical spelling. */
function canonical<T extends string>(options: readonly T[], value: string): T | undefined {
  return options.find((option) => option.toLowerCase() === value.toLowerCase());
}

function length(text: string): number {
  return [...text].length;
}

function collect(input: FormInput, fallback: Locale): FormValues {
  const locale = cleanLine(input.locale);
  return {
    firstName: cleanLine(input.firstName),
    lastName: cleanLine(input.lastName),
    email: cleanLine(input.email),
    location: cleanLine(input.location),
    preferredModelingTypes: [...new Set(list(input.preferredModelingTypes).map((v) => canonical(MODELING_TYPES, v) ?? v))],
    preferredShift: ((v) => canonical(SHIFTS, v) ?? v)(cleanLine(input.preferredShift)),
    unavailableShifts: [...new Set(list(input.unavailableShifts).map((v) => canonical(DAY_PARTS, v) ?? v))],
    notes: cleanText(input.notes),
    ...collectMinor(input),
    ...collectSensitive(input),
    consent: flag(input.consent) === true,
    locale: isLocale(locale) ? locale : fallback,
  };
}

function checkName(value: string, required: string, locale: Locale): string | undefined {
  const e = strings(locale).errors;
  if (!value) return required;
  if (length(value) > LIMITS.name) return e.tooLong(LIMITS.name);
  if (!/\p{L}/u.test(value)) return e.letters;
  return undefined;
}

function findErrors(values: FormValues, input: FormInput, locale: Locale): FormErrors {
  const e = strings(locale).errors;
  const errors: FormErrors = {};
  const set = (field: FormField, message: string | undefined) => message && (errors[field] = message);
  set('firstName', checkName(values.firstName, e.required.firstName, locale));
  set('lastName', checkName(values.lastName, e.required.lastName, locale));
  if (values.email && (length(values.email) > LIMITS.email || !EMAIL.test(values.email))) set('email', e.email);
  if (!values.location) set('location', e.required.location);
  else if (length(values.location) > LIMITS.location) set('location', e.tooLong(LIMITS.location));
  if (!values.preferredModelingTypes.length) set('preferredModelingTypes', e.required.preferredModelingTypes);
  else if (values.preferredModelingTypes.some((v) => !canonical(MODELING_TYPES, v))) set('preferredModelingTypes', e.choice);
  if (!values.preferredShift) set('preferredShift', e.required.preferredShift);
  else if (!canonical(SHIFTS, values.preferredShift)) set('preferredShift', e.choice);
  if (values.unavailableShifts.some((v) => !canonical(DAY_PARTS, v))) set('unavailableShifts', e.choice);
  else if (values.unavailableShifts.includes(values.preferredShift)) set('unavailableShifts', e.shiftConflict);
  if (length(values.notes) > LIMITS.notes) set('notes', e.tooLong(LIMITS.notes));
  if (!values.consent) set('consent', e.consent);
  if (cleanLine(input.locale) && !isLocale(cleanLine(input.locale))) set('locale', e.locale);
  return errors;
}

function toProfile(values: FormValues, sensitive: SensitiveProfile, now: number): FormProfile {
  return {
    firstName: values.firstName,
    lastName: values.lastName,
    ...(values.email ? { email: values.email } : {}),
    location: values.location,
    preferredModelingTypes: values.preferredModelingTypes as ModelingType[],
    ...(sensitive.hasKids === undefined ? {} : { hasKids: sensitive.hasKids }),
    ...(sensitive.measurements ? { measurements: sensitive.measurements } : {}),
    preferredShift: values.preferredShift as Shift,
    unavailableShifts: values.unavailableShifts as DayPart[],
    ...(values.notes ? { notes: values.notes } : {}),
    locale: values.locale,
    birthDate: values.birthDate,
    minor: isMinorAt(values.birthDate, new Date(now)),
    consent: true,
    sensitiveConsents: sensitive.sensitiveConsents,
  };
}

/**
 * Cleans and checks every field: the profile carries `hasKids` and `measurements` only when answered under their ticked
 * box, and `sensitiveConsents` (the boxes ticked) always (server/forms/validate-sensitive). `locale` is the language of the error messages and the profile's
 * language when the input names none; `now` (epoch ms) dates her age (server/forms/validate-minor). Unknown keys are ignored.
 */
export function validateForm(input: FormInput, locale: Locale, now = Date.now()): FormResult {
  const values = collect(input, locale);
  const minor = checkMinor(values, locale, now);
  const sensitive = checkSensitive(values, input, locale);
  const found: FormErrors = { ...findErrors(values, input, locale), ...minor.errors, ...sensitive.errors };
  // In page order, as the error summary lists them.
  const errors: FormErrors = Object.fromEntries(FORM_FIELDS.filter((field) => found[field]).map((field) => [field, found[field]]));
  if (Object.keys(errors).length) return { ok: false, errors, values };
  return { ok: true, profile: toProfile(values, sensitive.profile, now), values, ...(minor.guardian ? { guardian: minor.guardian } : {}) };
}

export function isFormField(name: unknown): name is FormField {
  return typeof name === 'string' && (FORM_FIELDS as readonly string[]).includes(name);
}

/** A FormData (repeated names become arrays) as validateForm's input. */
export function formDataInput(data: FormData | URLSearchParams): FormInput {
  // No prototype: a field named `__proto__` is data like any other, not the object's prototype.
  const input: Record<string, string | string[]> = Object.create(null);
  for (const key of new Set(data.keys())) {
    const all = data.getAll(key).filter((v): v is string => typeof v === 'string');
    input[key] = all.length === 1 ? all[0]! : all;
  }
  return input;
}

/** The form's starting values: an earlier profile when there is one, else the WhatsApp name split in two. */
export function initialValues(locale: Locale, known: { profile?: Partial<FormProfile> | null; whatsappName?: string | null; authorised?: readonly ConsentScope[] }): FormValues {
  const p = known.profile ?? {};
  // The boxes as her consent ledger holds them now (a revocation unticks one); the submission's own list otherwise.
  const authorised = SENSITIVE_SCOPES.filter((scope) => (known.authorised ?? p.sensitiveConsents ?? []).includes(scope));
  const [firstName, lastName] = p.firstName || p.lastName ? [p.firstName ?? '', p.lastName ?? ''] : splitName(cleanLine(known.whatsappName));
  return {
    firstName,
    lastName,
    email: p.email ?? '',
    location: p.location ?? '',
    preferredModelingTypes: p.preferredModelingTypes ?? [],
    // Sensitive answers are never shown again: whoever holds her link (it sits in the chat) must not read them. Her boxes
    // stay ticked, so sending the form again revokes nothing she did not untick, and a ticked box left blank keeps the
    // answer stored (server/conversations/commit/general-effects).
    hasKids: '',
    measurements: { ...EMPTY_MEASUREMENTS },
    sensitiveConsents: authorised,
    preferredShift: p.preferredShift ?? '',
    unavailableShifts: p.unavailableShifts ?? [],
    notes: p.notes ?? '',
    birthDate: p.birthDate ?? '',
    // The guardian is typed afresh (a new one needs a new authorisation); consent is confirmed on every submission.
    guardian: EMPTY_GUARDIAN,
    consent: false,
    locale,
  };
}

/** "María José Gómez Pérez" → two given names, two surnames, the usual Colombian shape; a guess the aspirant corrects. */
function splitName(name: string): [string, string] {
  const words = name.split(' ').filter(Boolean).slice(0, 8);
  if (words.length <= 1) return [words[0] ?? '', ''];
  const given = words.length >= 4 ? 2 : 1;
  return [words.slice(0, given).join(' '), words.slice(given).join(' ')];
}
