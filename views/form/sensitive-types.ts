/**
 * @module views/form/sensitive-types — the form's optional sensitive answers (Law 1581 Art. 6; Decree 1377 Art. 6, now
 * DUR 1074/2015 Art. 2.2.2.25.2.3): whether she has children and her measurements, each under its own optional
 * authorisation, and the authorisation for photos of her. Field names and the values a re-render keeps.
 */
import type { ConsentScope } from '../../actors/vocabulary';

/** The ledger scopes a form can authorise besides `treatment`, in page order. */
export const SENSITIVE_SCOPES = ['photos', 'children', 'measurements'] as const satisfies readonly Exclude<ConsentScope, 'treatment'>[];
export type SensitiveScope = (typeof SENSITIVE_SCOPES)[number];

/** The measurement fields, whole centimetres. */
export const MEASUREMENT_FIELDS = ['heightCm', 'bustCm', 'waistCm', 'hipsCm'] as const;
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

/** The checkbox field that authorises each scope. */
export const CONSENT_FIELD: Record<SensitiveScope, 'consentPhotos' | 'consentChildren' | 'consentMeasurements'> = {
  photos: 'consentPhotos',
  children: 'consentChildren',
  measurements: 'consentMeasurements',
};

/** Every field of the sensitive block, in page order (an error summary and inline checks name them). */
export const SENSITIVE_FIELDS = ['consentPhotos', 'consentChildren', 'hasKids', 'consentMeasurements', ...MEASUREMENT_FIELDS] as const;
export type SensitiveField = (typeof SENSITIVE_FIELDS)[number];

/** What she typed or ticked (cleaned, valid or not). */
export interface SensitiveValues {
  /** `''` when she did not answer or chose "prefer not to say". */
  hasKids: '' | 'yes' | 'no';
  /** As typed; `''` when left empty. */
  measurements: Record<MeasurementField, string>;
  /** The scopes whose box is ticked. */
  sensitiveConsents: SensitiveScope[];
}

export const EMPTY_MEASUREMENTS: Record<MeasurementField, string> = { heightCm: '', bustCm: '', waistCm: '', hipsCm: '' };
