/**
 * @module views/i18n/privacy/consent — the words of the consent ledger, the privacy notice's versions, sensitive answers and who may see them, Spanish (Colombia) first and English. `consentEs` is
 * mounted at `privacy.consent` in ../es (`consentEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const consentEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const consentEn: typeof consentEs = {
  auditActions: {},
  auditTargets: {},
};
