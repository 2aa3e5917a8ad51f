/** @module server/app — createApp(deps) builds the Elysia app without listening: tests call app.handle(). */
import { Elysia } from 'elysia';
import { botSettings, type Config } from './config';
import type { Database } from './db/client';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { secureCookiesFor } from './auth/plugin';
import { requestGuard } from './request-guard';
import { createPresence } from './realtime/presence';
import { adminApiRoutes, localAdminProofRoutes } from './routes/admin-api';
import { adminAccessApiRoutes } from './routes/admin-api-access';
import { adminReplayApiRoutes } from './routes/admin-api-replay';
import { adminTemplatesApiRoutes } from './routes/admin-api-templates';
import { adminRequestsApiRoutes } from './routes/admin-api-requests';
import { adminAspirantsApiRoutes } from './routes/admin-api-aspirants';
import { adminRetentionApiRoutes } from './routes/admin-api-retention';
import { adminClusterApiRoutes } from './routes/admin-api-cluster';
import { adminBackupApiRoutes } from './routes/admin-api-backup';
import { adminCannedRoutes } from './routes/admin-canned';
import { adminUsersRoutes } from './routes/admin-users';
import { assetRoutes } from './routes/assets';
import { devPhoneRoutes } from './routes/dev-phone';
import { authRoutes } from './routes/auth';
import { formRoutes } from './routes/form';
import { inboxRoutes } from './routes/inbox';
import { liveRoutes } from './routes/live';
import { healthRoutes } from './routes/health';
import { observability } from './routes/observability';
import { privacyRoutes } from './routes/privacy';
import { pushRoutes } from './routes/push';
import { approvedTemplates } from './services/templates';
import { MAX_INBOUND_BYTES } from './whatsapp/twilio-webhooks';
import { MAX_META_WEBHOOK_BYTES } from './whatsapp/meta-webhooks';
import { providerWebhookRoutes } from './whatsapp/webhook-routes';
import type { Services } from './wiring';

export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  services: Services;
  isDraining?: () => boolean;
  /** The clock (tests move it); the same one the services were built with. */
  now?: () => number;
  /**
   * The local admin credential the admin API also accepts, and the loopback URL it was written with once the server
   * listens (server/local-admin); none in tests that do not set it.
   */
  localAdmin?: { token: string; url(): string | undefined };
}

export function createApp(deps: AppDeps) {
  const { config, services } = deps;
  const app = new Elysia({ name: 'wasap' })
    .use(observability(deps))
    // Before every route: body limits (64 KiB fits any form, reply or status callback; more where a route needs it, as an
    // inbound message, which is never refused for its length), URL and body checks.
    .use(
      requestGuard({
        max: 64 * 1024,
        routes: {
          '/api/admin/bot/scripts': 1024 * 1024,
          '/api/admin/replay/:id': 1024 * 1024,
          '/dev/phone/messages': config.mediaMaxBytes + 64 * 1024,
          '/webhooks/twilio': MAX_INBOUND_BYTES,
          '/webhooks/meta': MAX_META_WEBHOOK_BYTES,
        },
        // Both webhooks refuse an unsigned request before reading its body: a chunked one is not buffered first.
        selfRead: ['/webhooks/twilio', '/webhooks/twilio/status', '/webhooks/meta'],
      }),
    )
    .use(
      healthRoutes({
        database: deps.database,
        metrics: deps.metrics,
        metricsToken: config.metricsToken,
        isDraining: deps.isDraining ?? (() => false),
        leases: deps.services.cluster?.leases,
      }),
    )
    .use(assetRoutes())
    .use(providerWebhookRoutes(services.provider, services.conversations))
    .use(adminApiRoutes({ db: deps.database.db, conversations: services.conversations, localAdminToken: deps.localAdmin?.token }))
    .use(adminAccessApiRoutes({ db: deps.database.db, database: deps.database, localAdminToken: deps.localAdmin?.token }))
    .use(adminReplayApiRoutes({ db: deps.database.db, forms: botSettings(config), localAdminToken: deps.localAdmin?.token }))
    .use(adminTemplatesApiRoutes({ db: deps.database.db, provider: services.provider, fallback: config.templates, localAdminToken: deps.localAdmin?.token }))
    .use(adminRequestsApiRoutes({ db: deps.database.db, localAdminToken: deps.localAdmin?.token, now: deps.now }))
    .use(adminAspirantsApiRoutes({ config, db: deps.database.db, logger: deps.logger, services, localAdminToken: deps.localAdmin?.token, now: deps.now }))
    .use(adminRetentionApiRoutes({ db: deps.database.db, logger: deps.logger, settings: config.retention, erase: services.retention.erase, localAdminToken: deps.localAdmin?.token, now: deps.now }))
    .use(adminClusterApiRoutes({ database: deps.database, localAdminToken: deps.localAdmin?.token, nodeId: config.cluster.nodeId, leaseMs: config.cluster.leaseMs }))
    .use(adminBackupApiRoutes({ database: deps.database, config, logger: deps.logger, localAdminToken: deps.localAdmin?.token, now: deps.now }));
  if (deps.localAdmin) app.use(localAdminProofRoutes(deps.localAdmin));
  const db = deps.database.db;
  const secureCookies = secureCookiesFor(config.publicUrl);
  // With several processes on one Postgres, viewers and typists on the others are relayed through the cluster node.
  const presence = createPresence({ relay: services.cluster });
  app.onStop(() => presence.stop());
  app
    .use(authRoutes({ db, publicUrl: config.publicUrl, trustProxy: config.trustProxy }))
    .use(adminUsersRoutes({ db, secureCookies }))
    .use(adminCannedRoutes({ db, secureCookies }))
    .use(
      inboxRoutes({
        db,
        conversations: services.conversations,
        blobs: services.blobs,
        media: services.media,
        presence,
        secureCookies,
        hub: services.hub,
        templates: () => approvedTemplates(db, services.provider, config.templates),
        cannedSettings: botSettings(config),
        reads: services.reads,
        now: deps.now,
      }),
    )
    .use(pushRoutes({ db, push: services.push, secureCookies }))
    .use(liveRoutes({ db, presence, hub: services.hub, secureCookies, publicUrl: config.publicUrl, logger: deps.logger }))
    .use(formRoutes({ config, db, conversations: services.conversations, guardianLinks: services.guardianLinks, whatsappNumber: services.provider.number }))
    .use(privacyRoutes({ config, db, logger: deps.logger, metrics: deps.metrics, services, secureCookies, now: deps.now }));
  if (services.simulator) {
    app.use(devPhoneRoutes({ db: deps.database.db, simulator: services.simulator, conversations: services.conversations, mediaMaxBytes: config.mediaMaxBytes }));
  }
  return app;
}

export type App = ReturnType<typeof createApp>;
