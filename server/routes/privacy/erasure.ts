/**
 * @module server/routes/privacy/erasure — exporting and erasing one person's data from the admin pages (Law 1581 Arts. 8
 * and 15): the panel's section (`GET /privacy/conversations/:id/erasure`, a link for admins, an empty body for
 * recruiters), her page (`GET /admin/privacy/aspirants/:id`: counts held, or once erased what was deleted), her archive
 * (`POST …/:id/export`, a ZIP download recorded as a read) and the erasure (`POST …/:id/erase` with her id or number
 * typed again in `confirm`). Admins only; every POST needs the session's CSRF token (authPlugin).
 */
import { eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { translator } from '../../../views/i18n';
import { AspirantDataPage, AspirantErasedPage } from '../../../views/privacy/aspirant-page';
import { ErasureSection } from '../../../views/privacy/erasure-section';
import { authPlugin } from '../../auth/plugin';
import type { PublicUser } from '../../db/queries/users';
import { conversations } from '../../db/schema';
import { AppError, NotFoundError } from '../../errors';
import { eraseAspirant, erasureDeps } from '../../privacy/erase';
import { erasureOf } from '../../privacy/erase-records';
import { exportAspirant } from '../../privacy/export';
import { confirms, findAspirant, type AspirantSummary } from '../../privacy/export-lookup';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });

/** Her summary, or null when there is none (erased, or never). */
async function summaryOrNull(deps: PrivacyRouteDeps, id: number): Promise<AspirantSummary | null> {
  try {
    return await findAspirant(deps.db, { id });
  } catch (error) {
    if (error instanceof AppError && (error.status === 404 || error.status === 410)) return null;
    throw error;
  }
}

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyErasureRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  const erasure = erasureDeps(deps.config, db, deps.services, deps.logger);
  const i18nOf = (user: PublicUser) => translator(user.locale, user.timeZone);

  return new Elysia({ name: 'privacy-erasure' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get(
      '/privacy/conversations/:id/erasure',
      async function erasureSection({ user, params }) {
        // Exporting and erasing are the controller's acts: recruiters see nothing here.
        if (user.role !== 'admin') return htmlResponse('');
        const [found] = await db.select({ aspirantId: conversations.aspirantId }).from(conversations).where(eq(conversations.id, params.id));
        if (!found) throw new NotFoundError('That conversation');
        return htmlResponse(ErasureSection({ conversationId: params.id, aspirantId: found.aspirantId, i18n: i18nOf(user) }));
      },
      { requireUser: true, params: idParams },
    )
    .guard({ requireAdmin: true, params: idParams }, (admin) =>
      admin
        .get(
          '/admin/privacy/aspirants/:id',
          async function aspirantPage({ user, session, params, query }) {
            const base = { i18n: i18nOf(user), me: user, csrf: session.csrfToken };
            const summary = await summaryOrNull(deps, params.id);
            if (summary) return htmlResponse(AspirantDataPage({ ...base, summary }));
            const record = await erasureOf(db, params.id);
            if (!record) throw new NotFoundError('That aspirant');
            return htmlResponse(AspirantErasedPage({ ...base, id: params.id, record, done: query.done === 'erased', pending: query.files === 'pending' }));
          },
          { query: t.Object({ done: t.Optional(t.String({ maxLength: 10 })), files: t.Optional(t.String({ maxLength: 10 })) }) },
        )
        .post('/admin/privacy/aspirants/:id/export', async function exportArchive({ user, params }) {
          const archive = await exportAspirant({ db, blobs: deps.services.blobs, logger: deps.logger, now: deps.now }, params.id, { reader: { id: user.id, email: user.email } });
          return new Response(archive.stream, {
            headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${archive.filename}"`, 'cache-control': 'no-store' },
          });
        })
        .post(
          '/admin/privacy/aspirants/:id/erase',
          async function erase({ user, session, params, body }) {
            const summary = await summaryOrNull(deps, params.id);
            if (!summary) throw new NotFoundError('That aspirant');
            if (!confirms(summary, body.confirm)) {
              const i18n = i18nOf(user);
              return htmlResponse(AspirantDataPage({ i18n, me: user, csrf: session.csrfToken, summary, error: i18n.t('privacy.erasure.erase.mismatch') }), 422);
            }
            const report = await eraseAspirant(erasure, summary.id, { actor: { label: user.email, userId: user.id }, reason: 'request' });
            const location = `/admin/privacy/aspirants/${summary.id}?done=erased${report.complete ? '' : '&files=pending'}`;
            return new Response(null, { status: 303, headers: { location } });
          },
          { body: t.Object({ confirm: t.String({ maxLength: 80 }) }) },
        ),
    );
}
