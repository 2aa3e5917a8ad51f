/** @module server/routes/privacy/minors — the minors part of the personal-data pages (Law 1581); see ../privacy.ts for what every part receives. */
import { Elysia } from 'elysia';
import type { PrivacyRouteDeps } from './deps';

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyMinorsRoutes(deps: PrivacyRouteDeps) {
  void deps;
  return new Elysia({ name: 'privacy-minors' });
}
