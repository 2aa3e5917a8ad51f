/**
 * @module server/routes/admin-api-templates — WhatsApp templates through the admin API (`wasap templates sync|list`):
 * `POST /api/admin/templates/sync` copies the active provider's list into the table now (audited as
 * `templates.synced`), `GET /api/admin/templates` lists what is stored and what the composer offers. Behind an API
 * token or the local admin credential; refusals are `{ error: { code, message } }` (401; 502 when the provider fails).
 */
import { Elysia } from 'elysia';
import type { TemplateConfig } from '../config';
import type { Db } from '../db/client';
import { approvedTemplates, storedTemplates, syncTemplates } from '../services/templates';
import type { WhatsAppProvider } from '../whatsapp/port';
import { adminCaller } from './admin-api';

export interface AdminTemplatesApiDeps {
  db: Db;
  provider: Pick<WhatsAppProvider, 'name' | 'listTemplates'>;
  /** TWILIO_TEMPLATES: what the composer offers while the provider lists none. */
  fallback: readonly TemplateConfig[];
  localAdminToken?: string;
}

export function adminTemplatesApiRoutes(deps: AdminTemplatesApiDeps) {
  const { db, provider } = deps;
  return new Elysia({ name: 'admin-api-templates', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
    .get('/templates', async () => ({
      provider: provider.name,
      templates: await storedTemplates(db),
      // Refs only: the composer's list, to tell a synced template from a TWILIO_TEMPLATES fallback.
      offered: (await approvedTemplates(db, provider, deps.fallback)).map((t) => ({ ref: t.ref, name: t.name, source: t.source })),
    }))
    .post('/templates/sync', ({ caller }) => syncTemplates(db, provider, { actor: caller.label }));
}
