/** @module server/routes/privacy/erasure — the erasure part of the personal-data pages (Law 1581); see ../privacy.ts for what every part receives. */
import { Elysia } from 'elysia';
import type { PrivacyRouteDeps } from './deps';

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyErasureRoutes(deps: PrivacyRouteDeps) {
  void deps;
  return new Elysia({ name: 'privacy-erasure' });
}
