/** @module server/routes/admin-canned — admins create and delete canned responses; every change is audited. */
import { asc, eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { CannedPage } from '../../views/admin/canned';
import { translator } from '../../views/i18n';
import { authPlugin } from '../auth/plugin';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { cannedResponses } from '../db/schema';
import { htmlResponse } from './html';

export function adminCannedRoutes(deps: { db: Db; secureCookies: boolean }) {
  const { db } = deps;
  const list = () => db.select({ id: cannedResponses.id, title: cannedResponses.title, body: cannedResponses.body }).from(cannedResponses).orderBy(asc(cannedResponses.title));
  return new Elysia({ name: 'admin-canned', prefix: '/admin/canned' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get('', async ({ user, session }) => htmlResponse(CannedPage({ i18n: translator(user.locale, user.timeZone), rows: await list(), me: user, csrf: session.csrfToken })), { requireAdmin: true })
    .post(
      '',
      async ({ user, body, redirect }) => {
        const [row] = await db.insert(cannedResponses).values({ title: body.title.trim(), body: body.body.trim(), createdBy: user.id }).returning({ id: cannedResponses.id });
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'canned.created', targetType: 'canned_response', targetId: row!.id });
        return redirect('/admin/canned', 303);
      },
      { requireAdmin: true, body: t.Object({ title: t.String({ minLength: 1, maxLength: 80 }), body: t.String({ minLength: 1, maxLength: 4096 }) }) },
    )
    .post(
      '/:id/delete',
      async ({ user, params, redirect }) => {
        await db.delete(cannedResponses).where(eq(cannedResponses.id, params.id));
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'canned.deleted', targetType: 'canned_response', targetId: params.id });
        return redirect('/admin/canned', 303);
      },
      { requireAdmin: true, params: t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647 }) }) },
    );
}
