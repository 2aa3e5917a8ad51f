/**
 * @module server/routes/admin-api-retention — retention through the admin API (`wasap retention`), behind an API token
 * or the local admin credential (Law 1581 Art. 4 lit. b and Art. 11; Decree 1377 Art. 11):
 *
 * - `GET /api/admin/privacy/retention`: the settings and who is due now (a dry run: nothing erased, nothing recorded),
 *   each as ids, masked number, rule and last message;
 * - `POST /api/admin/privacy/retention/run`: erases what is due now and answers the report (ids only). 409
 *   `RETENTION_DISABLED` when RETENTION_ENABLED is off, `RETENTION_NO_ERASE` when no erasure is wired.
 */
import { Elysia } from 'elysia';
import { formatPeriod, RETENTION_RULES, type RetentionConfig, type RetentionRule } from '../config-retention';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { DueAspirant } from '../privacy/retention';
import { dueNow, manualRunState, runRetentionNow } from '../privacy/retention-manual';
import type { EraseOne } from '../privacy/retention-run';
import { adminCaller } from './admin-api';

export interface AdminRetentionApiDeps {
  db: Db;
  logger: Logger;
  settings: RetentionConfig;
  /** services.retention.erase; absent, every run is refused (dry runs still answer). */
  erase?: EraseOne;
  localAdminToken?: string;
  /** The clock (tests move it), milliseconds since the epoch. */
  now?: () => number;
}

/** One aspirant due, as the API answers it. */
export function dueView(one: DueAspirant) {
  return { aspirantId: one.aspirantId, conversationId: one.conversationId, maskedPhone: one.maskedPhone, rule: one.rule, lastMessageAt: one.lastMessageAt.toISOString() };
}
export type DueView = ReturnType<typeof dueView>;

/** The settings as the API answers them: periods as written in the environment (`6mo`, `off`). */
export function settingsView(settings: RetentionConfig, erase: EraseOne | undefined) {
  return {
    enabled: settings.enabled,
    hour: settings.hour,
    periods: Object.fromEntries(RETENTION_RULES.map((rule) => [rule, formatPeriod(settings.periods[rule])])) as Record<RetentionRule, string>,
    run: manualRunState({ settings, erase }),
  };
}

export function adminRetentionApiRoutes(deps: AdminRetentionApiDeps) {
  const now = () => new Date((deps.now ?? Date.now)());
  return new Elysia({ name: 'admin-api-retention', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
    .get('/privacy/retention', async () => ({ ...settingsView(deps.settings, deps.erase), due: (await dueNow(deps, now())).map(dueView) }))
    .post('/privacy/retention/run', async ({ caller }) => {
      const { report, due } = await runRetentionNow(deps, now(), { label: caller.label });
      return { report, due: due.map(dueView) };
    });
}
