/**
 * @module views/i18n/privacy/erasure — the words of exporting and erasing one person's data, Spanish (Colombia) first and English. `erasureEs` is
 * mounted at `privacy.erasure` in ../es (`erasureEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const erasureEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const erasureEn: typeof erasureEs = {
  auditActions: {},
  auditTargets: {},
};
