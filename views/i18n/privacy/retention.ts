/**
 * @module views/i18n/privacy/retention — the words of retention periods and the daily job's report, Spanish (Colombia) first and English. `retentionEs` is
 * mounted at `privacy.retention` in ../es (`retentionEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const retentionEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const retentionEn: typeof retentionEs = {
  auditActions: {},
  auditTargets: {},
};
