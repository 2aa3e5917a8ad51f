/** @module views/form/types — the plain data the form page renders: its fields, the aspirant's input and the errors (server/forms/validate fills them). */
import type { Locale } from '../../actors/vocabulary';

/** Every field of the form, in page order; an error summary and inline checks name them. */
export const FORM_FIELDS = ['firstName', 'lastName', 'email', 'location', 'preferredModelingTypes', 'hasKids', 'preferredShift', 'unavailableShifts', 'notes', 'isAdult', 'consent', 'locale'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** What the form shows: the aspirant's input after cleaning, valid or not, so a re-render keeps it. */
export interface FormValues {
  firstName: string;
  lastName: string;
  email: string;
  location: string;
  preferredModelingTypes: string[];
  hasKids: '' | 'yes' | 'no';
  preferredShift: string;
  unavailableShifts: string[];
  notes: string;
  isAdult: boolean;
  consent: boolean;
  locale: Locale;
}

export type FormErrors = Partial<Record<FormField, string>>;
