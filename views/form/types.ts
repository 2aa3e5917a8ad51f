/** @module views/form/types — the plain data the form page renders: its fields, the aspirant's input and the errors (server/forms/validate fills them). */
import type { Locale } from '../../actors/vocabulary';
import { MINOR_FIELDS, type GuardianValues } from './minor-types';
import { SENSITIVE_FIELDS, type SensitiveValues } from './sensitive-types';

/** Every field of the form, in page order; an error summary and inline checks name them. */
export const FORM_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'location',
  'preferredModelingTypes',
  'preferredShift',
  'unavailableShifts',
  'notes',
  ...MINOR_FIELDS,
  ...SENSITIVE_FIELDS,
  'consent',
  'locale',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** What the form shows: the aspirant's input after cleaning, valid or not, so a re-render keeps it (the optional sensitive answers and their boxes from SensitiveValues). */
export interface FormValues extends SensitiveValues {
  firstName: string;
  lastName: string;
  email: string;
  location: string;
  preferredModelingTypes: string[];
  preferredShift: string;
  unavailableShifts: string[];
  notes: string;
  /** `YYYY-MM-DD` as typed (a date input sends that shape). */
  birthDate: string;
  /** Shown and required under 18 (views/form/guardian-fields). */
  guardian: GuardianValues;
  consent: boolean;
  locale: Locale;
}

export type FormErrors = Partial<Record<FormField, string>>;
