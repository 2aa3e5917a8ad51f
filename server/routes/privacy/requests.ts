/**
 * @module server/routes/privacy/requests — the data-subject requests part of the personal-data pages (Law 1581 Arts.
 * 14–15; see ../privacy.ts for what every part receives): the admin queue and actions (./requests-admin), the aspirant
 * panel's section where a recruiter opens one for her (./requests-panel), the aspirant's own page /privacy/request
 * (./requests-public), and the /metrics gauges of open, overdue and untagged requests (server/privacy/request-metrics).
 */
import { Elysia } from 'elysia';
import { registerRequestGauges } from '../../privacy/request-metrics';
import type { PrivacyRouteDeps } from './deps';
import { privacyRequestsAdminRoutes } from './requests-admin';
import { privacyRequestsPanelRoutes } from './requests-panel';
import { privacyRequestsPublicRoutes } from './requests-public';

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyRequestsRoutes(deps: PrivacyRouteDeps) {
  registerRequestGauges(deps.metrics, deps.db, deps.now ?? Date.now);
  return new Elysia({ name: 'privacy-requests' }).use(privacyRequestsAdminRoutes(deps)).use(privacyRequestsPanelRoutes(deps)).use(privacyRequestsPublicRoutes(deps));
}
