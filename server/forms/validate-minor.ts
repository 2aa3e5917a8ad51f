/**
 * @module server/forms/validate-minor — the form's date of birth and, under 18, her guardian's details (Law 1581 Art. 7:
 * a child's or adolescent's data only with her legal representative's authorisation; Decree 1377 Art. 12, now DUR
 * 1074/2015 Art. 2.2.2.25.2.9: the representative authorises after the minor is heard). Used by server/forms/validate
 * for the hosted form, its inline checks and the external form webhook alike.
 *
 * Bounds: an aspirant is 10 to 100 years old on the Bogotá calendar day of the submission. Under 10 a child should
 * not be filling in a recruiting form herself (her guardian writes to the agency); over 100 is a mistyped year.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { GUARDIAN_RELATIONSHIPS, ID_DOCUMENT_TYPES, type GuardianRelationship, type IdDocumentType, type Locale } from '../../actors/vocabulary';
import { minorStrings } from '../../views/form/minor-strings';
import { EMPTY_GUARDIAN, type GuardianValues, type MinorField } from '../../views/form/minor-types';
import { bogotaDay } from '../privacy/deadlines';
import { cleanLine, EMAIL, LIMITS, type FormInput } from './validate';

export const MIN_AGE = 10;
export const MAX_AGE = 100;
/** Under this age she is a minor (Colombian Civil Code Art. 34; Law 1098 of 2006 Art. 3). */
export const ADULT_AGE = 18;

/** A guardian as stored (server/db/schema/privacy `guardians`): phone in E.164, document number without separators. */
export interface GuardianInput {
  name: string;
  documentType: IdDocumentType;
  documentNumber: string;
  relationship: GuardianRelationship;
  phone?: string;
  email?: string;
}

export type MinorErrors = Partial<Record<MinorField, string>>;

/** What the minors' part of a submission says once checked. */
export interface MinorCheck {
  errors: MinorErrors;
  /** Her age on the day, when the date is valid. */
  age?: number;
  /** Present when she is a minor and every guardian field is valid. */
  guardian?: GuardianInput;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` if it names a real calendar day (no 31 February), else undefined. */
export function parseDay(text: string): { y: number; m: number; d: number } | undefined {
  const match = ISO_DAY.exec(text);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

/**
 * Whole years from `birthDate` to `day` (both `YYYY-MM-DD`); someone born on 29 February turns a year older on
 * 1 March in common years. Negative when `day` is before the birth.
 */
export function ageOn(birthDate: string, day: string): number {
  const born = parseDay(birthDate)!;
  const today = parseDay(day)!;
  const hadBirthday = today.m > born.m || (today.m === born.m && today.d >= born.d);
  return today.y - born.y - (hadBirthday ? 0 : 1);
}

/** Whether someone born on `birthDate` was under 18 on the Bogotá day of `at`. */
export function isMinorAt(birthDate: string, at: Date): boolean {
  return parseDay(birthDate) !== undefined && ageOn(birthDate, bogotaDay(at)) < ADULT_AGE;
}

/** The date as typed, and the guardian's fields cleaned (document number without spaces, dots or dashes). */
export function collectMinor(input: FormInput): { birthDate: string; guardian: GuardianValues } {
  return {
    birthDate: cleanLine(input.birthDate),
    guardian: {
      ...EMPTY_GUARDIAN,
      name: cleanLine(input.guardianName),
      documentType: cleanLine(input.guardianDocumentType).toUpperCase(),
      documentNumber: normaliseDocumentNumber(cleanLine(input.guardianDocumentNumber)),
      relationship: cleanLine(input.guardianRelationship).toLowerCase(),
      phone: cleanLine(input.guardianPhone),
      email: cleanLine(input.guardianEmail),
    },
  };
}

/** `1.023.456.789` → `1023456789`; letters upper-cased (passports). */
export function normaliseDocumentNumber(text: string): string {
  return text.replace(/[\s.\-]/g, '').toUpperCase();
}

/** A mobile number as E.164 (Colombian when it has no country code), or undefined when it is not a valid one. */
export function normaliseGuardianPhone(text: string): string | undefined {
  const parsed = parsePhoneNumberFromString(text, 'CO');
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  // WhatsApp lives on mobiles; where a plan does not tell mobiles apart (the US), either is accepted.
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return undefined;
  return parsed.number;
}

function checkBirthDate(birthDate: string, today: string, locale: Locale): { error?: string; age?: number } {
  const e = minorStrings(locale).errors;
  if (!birthDate) return { error: e.birthDate };
  if (!parseDay(birthDate)) return { error: e.birthDateInvalid };
  const age = ageOn(birthDate, today);
  if (birthDate > today) return { error: e.birthDateFuture };
  if (age < MIN_AGE) return { error: e.tooYoung(MIN_AGE) };
  if (age > MAX_AGE) return { error: e.tooOld };
  return { age };
}

/** Digits (3–15) for Colombian documents, letters and digits (5–20) for a passport. */
function documentNumberValid(type: string, number: string): boolean {
  return type === 'PA' ? /^[A-Z0-9]{5,20}$/.test(number) : /^\d{3,15}$/.test(number);
}

function checkGuardian(g: GuardianValues, locale: Locale): { errors: MinorErrors; guardian?: GuardianInput } {
  const e = minorStrings(locale).errors;
  const errors: MinorErrors = {};
  if (!g.name || !/\p{L}/u.test(g.name)) errors.guardianName = e.guardianName;
  else if ([...g.name].length > LIMITS.name) errors.guardianName = e.guardianName;
  const type = ID_DOCUMENT_TYPES.find((t) => t === g.documentType);
  if (!type) errors.guardianDocumentType = e.documentType;
  if (!g.documentNumber) errors.guardianDocumentNumber = e.documentNumber;
  else if (type && !documentNumberValid(type, g.documentNumber)) errors.guardianDocumentNumber = e.documentNumberInvalid;
  const relationship = GUARDIAN_RELATIONSHIPS.find((r) => r === g.relationship);
  if (!relationship) errors.guardianRelationship = e.relationship;
  const phone = g.phone ? normaliseGuardianPhone(g.phone) : undefined;
  if (g.phone && !phone) errors.guardianPhone = e.phone;
  if (g.email && ([...g.email].length > LIMITS.email || !EMAIL.test(g.email))) errors.guardianEmail = e.email;
  if (!g.phone && !g.email) errors.guardianPhone = e.contact;
  if (Object.keys(errors).length || !type || !relationship) return { errors };
  return { errors, guardian: { name: g.name, documentType: type, documentNumber: g.documentNumber, relationship, ...(phone ? { phone } : {}), ...(g.email ? { email: g.email } : {}) } };
}

/**
 * Checks the date of birth against the Bogotá day of `now` (epoch ms) and, under 18, every guardian field (a WhatsApp
 * number or an e-mail, or both). An adult's guardian fields are ignored, whatever they hold.
 */
export function checkMinor(values: { birthDate: string; guardian: GuardianValues }, locale: Locale, now: number): MinorCheck {
  const birth = checkBirthDate(values.birthDate, bogotaDay(new Date(now)), locale);
  if (birth.error) return { errors: { birthDate: birth.error } };
  if (birth.age! >= ADULT_AGE) return { errors: {}, age: birth.age };
  const guardian = checkGuardian(values.guardian, locale);
  return { ...guardian, age: birth.age };
}

/**
 * Whether the form shows the guardian block: true under 18, false for an adult, undefined while the date is empty or
 * invalid (the block is then shown with "only if you are under 18", and htmx hides it once it knows).
 */
export function minorState(birthDate: string, now: number): boolean | undefined {
  const today = bogotaDay(new Date(now));
  if (!parseDay(birthDate) || birthDate > today) return undefined;
  return ageOn(birthDate, today) < ADULT_AGE;
}
