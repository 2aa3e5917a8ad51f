/**
 * @module server/routes/privacy — the personal-data pages and actions (Colombia's Law 1581), one part per file under
 * ./privacy: consents and the privacy notice, minors' guardians, data-subject requests, export and erasure, retention,
 * and the audit of reads. The aspirant panel loads each part's section from `/privacy/conversations/:id/<part>`
 * (views/privacy/panel-sections).
 */
import { Elysia } from 'elysia';
import { privacyConsentRoutes } from './privacy/consent';
import type { PrivacyRouteDeps } from './privacy/deps';
import { privacyErasureRoutes } from './privacy/erasure';
import { privacyMinorsRoutes } from './privacy/minors';
import { privacyReadsRoutes } from './privacy/reads';
import { privacyRequestsRoutes } from './privacy/requests';
import { privacyRetentionRoutes } from './privacy/retention';

export type { PrivacyRouteDeps } from './privacy/deps';

export function privacyRoutes(deps: PrivacyRouteDeps) {
  return new Elysia({ name: 'privacy' })
    .use(privacyConsentRoutes(deps))
    .use(privacyMinorsRoutes(deps))
    .use(privacyRequestsRoutes(deps))
    .use(privacyErasureRoutes(deps))
    .use(privacyRetentionRoutes(deps))
    .use(privacyReadsRoutes(deps));
}
