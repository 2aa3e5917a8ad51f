/** @module server/routes/admin-canned — admins create, edit and delete canned responses; every change is audited. */
import { asc, eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { CannedPage, type CannedField, type CannedPageProps } from '../../views/admin/canned';
import { translator } from '../../views/i18n';
import { authPlugin } from '../auth/plugin';
import type { SessionRow } from '../auth/sessions';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import type { PublicUser } from '../db/queries/users';
import { cannedResponses } from '../db/schema';
import { variablesIn, VARIABLE_PATTERN } from '../../actors/bot/text';
import { CANNED_VARIABLES } from '../services/canned';
import { unstorableText } from '../services/storable';
import { htmlResponse } from './html';

/** What an admin typed: any length up to the columns' limits is read, so an empty or blank one is answered in her language, not by the validator. */
const cannedBody = t.Object({ title: t.String({ maxLength: 200 }), body: t.String({ maxLength: 8192 }) });
const TITLE_MAX = 80;
const BODY_MAX = 4096;

type Draft = { title: string; body: string };
type Problem = { key: 'titleRequired' | 'bodyRequired' | 'unstorable' | 'strayBrace' } | { key: 'titleTooLong' | 'bodyTooLong'; max: number } | { key: 'unknownVariable'; name: string };

/** The trimmed title and text, or what is wrong with them (nothing is cut or dropped silently). */
function checked(input: Draft): { ok: true; value: Draft } | { ok: false; problem: Problem } {
  const title = input.title.trim();
  const body = input.body.trim();
  if (!title) return { ok: false, problem: { key: 'titleRequired' } };
  if (!body) return { ok: false, problem: { key: 'bodyRequired' } };
  if (title.length > TITLE_MAX) return { ok: false, problem: { key: 'titleTooLong', max: TITLE_MAX } };
  if (body.length > BODY_MAX) return { ok: false, problem: { key: 'bodyTooLong', max: BODY_MAX } };
  if (unstorableText(title) || unstorableText(body)) return { ok: false, problem: { key: 'unstorable' } };
  // The variables a recruiter's pick fills (server/services/canned); any other {name} would be sent empty.
  const unknown = variablesIn(body).find((name) => !CANNED_VARIABLES.includes(name));
  if (unknown) return { ok: false, problem: { key: 'unknownVariable', name: `{${unknown}}` } };
  if (/[{}]/.test(body.replace(VARIABLE_PATTERN, ''))) return { ok: false, problem: { key: 'strayBrace' } };
  return { ok: true, value: { title, body } };
}

/** The field a problem is about, if one (the page shows it under that field). */
function fieldOf(problem: Problem): CannedField | undefined {
  if (problem.key === 'unstorable') return undefined;
  return problem.key.startsWith('title') ? 'title' : 'body';
}

/** The problem in the admin's words. */
function message(locale: string, problem: Problem): string {
  return translator(locale).t(`admin.canned.${problem.key}`, 'max' in problem ? { max: problem.max } : 'name' in problem ? { name: problem.name } : {});
}

export function adminCannedRoutes(deps: { db: Db; secureCookies: boolean }) {
  const { db } = deps;
  const list = () => db.select({ id: cannedResponses.id, title: cannedResponses.title, body: cannedResponses.body }).from(cannedResponses).orderBy(asc(cannedResponses.title));

  async function page(user: PublicUser, session: SessionRow, extra: Partial<CannedPageProps> = {}, status = 200) {
    const i18n = translator(user.locale, user.timeZone);
    return htmlResponse(CannedPage({ i18n, rows: await list(), me: user, csrf: session.csrfToken, ...extra }), status);
  }

  return new Elysia({ name: 'admin-canned', prefix: '/admin/canned' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get('', ({ user, session }) => page(user, session), { requireAdmin: true })
    .post(
      '',
      async ({ user, session, body, redirect }) => {
        const input = checked(body);
        if (!input.ok) return page(user, session, { error: message(user.locale, input.problem), errorField: fieldOf(input.problem), draft: body }, 422);
        const [row] = await db
          .insert(cannedResponses)
          .values({ ...input.value, createdBy: user.id })
          .returning({ id: cannedResponses.id });
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'canned.created', targetType: 'canned_response', targetId: row!.id });
        return redirect('/admin/canned', 303);
      },
      { requireAdmin: true, body: cannedBody },
    )
    .post(
      '/:id',
      async ({ user, session, params, body, redirect }) => {
        const input = checked(body);
        if (!input.ok) return page(user, session, { error: message(user.locale, input.problem), errorField: fieldOf(input.problem), editing: { id: params.id, ...body } }, 422);
        const updated = await db.update(cannedResponses).set(input.value).where(eq(cannedResponses.id, params.id)).returning({ id: cannedResponses.id });
        if (updated.length === 0) return page(user, session, { error: translator(user.locale).t('admin.canned.notFound') }, 404);
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'canned.updated', targetType: 'canned_response', targetId: params.id });
        return redirect('/admin/canned', 303);
      },
      { requireAdmin: true, params: t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) }), body: cannedBody },
    )
    .post(
      '/:id/delete',
      async ({ user, params, redirect }) => {
        await db.delete(cannedResponses).where(eq(cannedResponses.id, params.id));
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'canned.deleted', targetType: 'canned_response', targetId: params.id });
        return redirect('/admin/canned', 303);
      },
      { requireAdmin: true, params: t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) }) },
    );
}
