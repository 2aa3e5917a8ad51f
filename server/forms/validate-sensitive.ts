/**
 * @module server/forms/validate-sensitive — the form's optional sensitive answers (Law 1581 Art. 6: she is not obliged
 * to answer questions about sensitive data; Art. 5 and Decree 1377 Art. 6, now DUR 1074/2015 Art. 2.2.2.25.2.3: they
 * are treated only with her explicit authorisation). Whether she has children and her measurements are each kept only
 * under their own ticked box; an answer given without its box is refused with an error on the box (never kept, never
 * silently dropped, so she knows). The `photos` box authorises the photos she sends later on WhatsApp.
 * Used by server/forms/validate for the hosted form, its inline checks and the form webhook alike.
 */
import type { FormProfile } from '../../actors/conversation/types';
import type { Locale } from '../../actors/vocabulary';
import { sensitiveStrings } from '../../views/form/sensitive-strings';
import { strings } from '../../views/form/strings';
import { CONSENT_FIELD, MEASUREMENT_FIELDS, SENSITIVE_SCOPES, type MeasurementField, type SensitiveField, type SensitiveScope, type SensitiveValues } from '../../views/form/sensitive-types';
import { cleanLine, type FormInput } from './validate';

/** Sane bounds for an adult's or adolescent's measurements, whole centimetres inclusive. */
export const MEASUREMENT_BOUNDS: Record<MeasurementField, { min: number; max: number }> = {
  heightCm: { min: 100, max: 230 },
  bustCm: { min: 50, max: 200 },
  waistCm: { min: 40, max: 200 },
  hipsCm: { min: 50, max: 200 },
};

export type SensitiveErrors = Partial<Record<SensitiveField, string>>;

/** The profile's sensitive part: present keys only when answered and authorised; `sensitiveConsents` always. */
export type SensitiveProfile = Pick<FormProfile, 'hasKids' | 'measurements'> & { sensitiveConsents: SensitiveScope[] };

const TRUE = new Set(['true', 'yes', 'si', 'sí', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = cleanLine(value).toLowerCase();
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/**
 * The sensitive fields as typed. `hasKids` is `''` unless yes/no; a value that is neither (nor empty, nor the form's
 * "prefer not to say") is reported by `checkSensitive` from the raw input. A box counts as ticked only when truthy.
 */
export function collectSensitive(input: FormInput): SensitiveValues {
  const kids = flag(input.hasKids);
  const measurements = Object.fromEntries(MEASUREMENT_FIELDS.map((f) => [f, typeof input[f] === 'number' ? String(input[f]) : cleanLine(input[f])])) as SensitiveValues['measurements'];
  return {
    hasKids: kids === undefined ? '' : kids ? 'yes' : 'no',
    measurements,
    sensitiveConsents: SENSITIVE_SCOPES.filter((scope) => flag(input[CONSENT_FIELD[scope]]) === true),
  };
}

/** Whole centimetres within the field's bounds, else undefined. */
function centimetres(field: MeasurementField, text: string): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const value = Number(text);
  const { min, max } = MEASUREMENT_BOUNDS[field];
  return value >= min && value <= max ? value : undefined;
}

/**
 * Checks the sensitive block and builds its part of the profile. Errors: an unknown `hasKids` choice or a measurement
 * out of bounds on its field; an answer without its box on the box (`consentChildren`, `consentMeasurements`).
 */
export function checkSensitive(values: SensitiveValues, input: FormInput, locale: Locale): { errors: SensitiveErrors; profile: SensitiveProfile } {
  const s = sensitiveStrings(locale);
  const errors: SensitiveErrors = {};
  const ticked = (scope: SensitiveScope) => values.sensitiveConsents.includes(scope);
  const rawKids = cleanLine(input.hasKids);
  if (!values.hasKids && rawKids) errors.hasKids = strings(locale).errors.choice;
  const measurements: NonNullable<FormProfile['measurements']> = {};
  for (const field of MEASUREMENT_FIELDS) {
    const text = values.measurements[field];
    if (!text) continue;
    const cm = centimetres(field, text);
    if (cm === undefined) errors[field] = s.errors.measurement(MEASUREMENT_BOUNDS[field].min, MEASUREMENT_BOUNDS[field].max);
    else measurements[field] = cm;
  }
  if (values.hasKids && !ticked('children')) errors.consentChildren = s.errors.children;
  const anyMeasurement = MEASUREMENT_FIELDS.some((f) => values.measurements[f] !== '');
  if (anyMeasurement && !ticked('measurements')) errors.consentMeasurements = s.errors.measurements;
  const profile: SensitiveProfile = { sensitiveConsents: values.sensitiveConsents };
  if (values.hasKids && ticked('children')) profile.hasKids = values.hasKids === 'yes';
  if (Object.keys(measurements).length && ticked('measurements')) profile.measurements = measurements;
  return { errors, profile };
}
