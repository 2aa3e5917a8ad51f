/** @module views/form/minor-types — the form's date of birth and a minor's guardian: field names and the values a re-render keeps. */

/** The date of birth and the guardian's fields, in page order (the guardian's only count under 18). */
export const MINOR_FIELDS = ['birthDate', 'guardianName', 'guardianDocumentType', 'guardianDocumentNumber', 'guardianRelationship', 'guardianPhone', 'guardianEmail'] as const;
export type MinorField = (typeof MINOR_FIELDS)[number];

/** The guardian's details as typed (cleaned, valid or not), so a re-render keeps them. */
export interface GuardianValues {
  name: string;
  documentType: string;
  documentNumber: string;
  relationship: string;
  phone: string;
  email: string;
}

export const EMPTY_GUARDIAN: GuardianValues = { name: '', documentType: '', documentNumber: '', relationship: '', phone: '', email: '' };
