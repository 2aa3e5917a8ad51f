/**
 * @module views/i18n/privacy — the personal-data areas' catalogues, assembled for ../es and ../en: `privacy.<area>`
 * and the audit labels every area adds.
 */
import { commonEn, commonEs } from './common';
import { consentEn, consentEs } from './consent';
import { erasureEn, erasureEs } from './erasure';
import { minorsEn, minorsEs } from './minors';
import { readsEn, readsEs } from './reads';
import { requestsEn, requestsEs } from './requests';
import { retentionEn, retentionEs } from './retention';

export const privacyEs = { common: commonEs, consent: consentEs, minors: minorsEs, requests: requestsEs, erasure: erasureEs, retention: retentionEs, reads: readsEs };
export const privacyEn: typeof privacyEs = { common: commonEn, consent: consentEn, minors: minorsEn, requests: requestsEn, erasure: erasureEn, retention: retentionEn, reads: readsEn };

const AREAS = ['consent', 'minors', 'requests', 'erasure', 'retention', 'reads'] as const;

/** Every area's audit-action labels, for `admin.audit.actions`. */
export function privacyAuditActions(privacy: typeof privacyEs): Record<string, string> {
  return Object.assign({}, ...AREAS.map((area) => privacy[area].auditActions));
}

/** Every area's audit-target labels, for `admin.audit.targets`. */
export function privacyAuditTargets(privacy: typeof privacyEs): Record<string, string> {
  return Object.assign({}, ...AREAS.map((area) => privacy[area].auditTargets));
}

/** Labels of the fields personal-data actions write in audit details, for `admin.audit.fields`. */
export function privacyAuditFields(privacy: typeof privacyEs): Record<string, string> {
  return privacy.common.auditFields;
}

/** Word maps for values in personal-data audit details: rights, request statuses, consent scopes, channels, and a few words. */
export function privacyAuditWords(privacy: typeof privacyEs): Record<string, string>[] {
  return [privacy.requests.rights, privacy.requests.statuses, privacy.consent.scopes, privacy.requests.channels, privacy.common.auditWords];
}
