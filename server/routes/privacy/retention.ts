/**
 * @module server/routes/privacy/retention — admins only: /admin/privacy/retention, the retention page (Law 1581 Art. 4
 * lit. b and Art. 11; Decree 1377 Art. 11): the periods, who is due now (a dry run, nothing recorded), the last runs'
 * reports, and `POST /admin/privacy/retention/run` ("run now": CSRF through authPlugin, the typed word, refused
 * unless RETENTION_ENABLED and an erasure is wired; the run's report is its audit entry `retention.ran`, by the admin).
 */
import { Elysia, t } from 'elysia';
import { translator, type Translator } from '../../../views/i18n';
import { RetentionPage, type RetentionPageProps } from '../../../views/privacy/retention-page';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import type { PublicUser } from '../../db/queries/users';
import { dueNow, manualRunState, RetentionRefusedError, runRetentionNow } from '../../privacy/retention-manual';
import { lastRetentionReports } from '../../privacy/retention-run';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

/** Aspirants listed on the page (the CLI lists them all), and reports shown. */
export const DUE_SHOWN = 200;
export const REPORTS_SHOWN = 10;

const count = t.Optional(t.String({ maxLength: 7, pattern: '^[0-9]{1,7}$' }));

/** What the page says after a run: how many were erased, and how many failed (numbers only come from the URL). */
function noticeOf(i18n: Translator, done: string | undefined, failed: string | undefined): string | undefined {
  if (done === undefined) return undefined;
  const erased = i18n.t('privacy.retention.run.done', { count: Number(done) });
  return failed && Number(failed) > 0 ? `${erased} ${i18n.t('privacy.retention.run.failed', { count: Number(failed) })}` : erased;
}

export function privacyRetentionRoutes(deps: PrivacyRouteDeps) {
  const { db, logger } = deps;
  const nowMs = deps.now ?? Date.now;
  const manual = () => ({ db, logger, settings: deps.config.retention, erase: deps.services.retention.erase });

  async function page(ctx: { user: PublicUser; session: SessionRow }, extra: Pick<RetentionPageProps, 'notice' | 'error'> = {}, status = 200) {
    const i18n = translator(ctx.user.locale, ctx.user.timeZone);
    const [due, reports] = await Promise.all([dueNow(manual(), new Date(nowMs())), lastRetentionReports(db, REPORTS_SHOWN)]);
    const props: RetentionPageProps = {
      i18n,
      email: ctx.user.email,
      csrf: ctx.session.csrfToken,
      settings: deps.config.retention,
      due: due.slice(0, DUE_SHOWN),
      dueTotal: due.length,
      reports,
      run: manualRunState(manual()),
      ...extra,
    };
    return htmlResponse(RetentionPage(props), status);
  }

  return new Elysia({ name: 'privacy-retention', prefix: '/admin/privacy/retention' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get(
      '',
      function retentionPage({ user, session, query }) {
        return page({ user, session }, { notice: noticeOf(translator(user.locale, user.timeZone), query.done, query.failed) });
      },
      { requireAdmin: true, query: t.Object({ done: count, failed: count }) },
    )
    .post(
      '/run',
      async function runNow({ user, session, body }) {
        const i18n = translator(user.locale, user.timeZone);
        const word = i18n.t('privacy.retention.run.word');
        if (body.confirm.trim().toLocaleUpperCase('es') !== word) return page({ user, session }, { error: i18n.t('privacy.retention.run.wrongWord', { word }) }, 400);
        try {
          const { report } = await runRetentionNow(manual(), new Date(nowMs()), { label: user.email, userId: user.id });
          return new Response(null, { status: 303, headers: { location: `/admin/privacy/retention?done=${report.erasedIds.length}&failed=${report.failedIds.length}` } });
        } catch (error) {
          if (!(error instanceof RetentionRefusedError)) throw error;
          // Off or unwired: the page shows why in place of the form; a run under way is said beside it.
          return page({ user, session }, error.reason === 'running' ? { error: i18n.t('privacy.retention.run.running') } : {}, error.status);
        }
      },
      { requireAdmin: true, body: t.Object({ confirm: t.String({ maxLength: 40 }) }) },
    );
}
