/**
 * @module views/i18n/privacy/reads — the words of the audit of reads of personal data (who opened, saw, downloaded, exported, searched), Spanish (Colombia) first and English. `readsEs` is
 * mounted at `privacy.reads` in ../es (`readsEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const readsEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const readsEn: typeof readsEs = {
  auditActions: {},
  auditTargets: {},
};
