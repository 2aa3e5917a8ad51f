/**
 * @module server/routes/privacy/reads — who read a titular's personal data (Law 1581 Art. 17 lit. d): the panel's
 * section (`GET /privacy/conversations/:id/reads`, admins only: a recruiter gets an empty body) and the admin's list
 * (`GET /admin/privacy/reads`, filtered by aspirant id, user and action, keyset-paged).
 */
import { eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { READ_ACTIONS, type ReadAction } from '../../../actors/vocabulary';
import { ReadsPage } from '../../../views/privacy/reads-page';
import { ReadsSection } from '../../../views/privacy/reads-section';
import { translator } from '../../../views/i18n';
import { authPlugin } from '../../auth/plugin';
import { listUsers } from '../../db/queries/users';
import { conversations } from '../../db/schema';
import { NotFoundError } from '../../errors';
import { listReads, parseReadCursor, recentReadsOf, type ReadFilter } from '../../privacy/read-list';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

/** Reads shown in the panel, and per page of the admin's list. */
export const PANEL_READS = 10;
export const READS_PAGE_SIZE = 50;

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });
const listQuery = t.Object({
  aspirant: t.Optional(t.String({ maxLength: 20 })),
  user: t.Optional(t.String({ maxLength: 20 })),
  action: t.Optional(t.String({ maxLength: 40 })),
  before: t.Optional(t.String({ maxLength: 20 })),
});

const wholeNumber = (text: string | undefined) => (text !== undefined && /^\d{1,10}$/.test(text.trim()) && Number(text) > 0 && Number(text) <= 2_147_483_647 ? Number(text) : undefined);

/** The filter the query asks for; `invalid` when the aspirant id was given but is not one (it is then left out). */
function filterOf(query: typeof listQuery.static): { filter: ReadFilter; invalid: boolean } {
  const aspirantId = wholeNumber(query.aspirant);
  const action = (READ_ACTIONS as readonly string[]).includes(query.action ?? '') ? (query.action as ReadAction) : undefined;
  const invalid = Boolean(query.aspirant?.trim()) && aspirantId === undefined;
  return { filter: { aspirantId, userId: wholeNumber(query.user), action }, invalid };
}

/** Routes of this part, mounted by server/routes/privacy; each checks the session and role itself (authPlugin). */
export function privacyReadsRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  return new Elysia({ name: 'privacy-reads' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get(
      '/privacy/conversations/:id/reads',
      async function readsSection({ user, params }) {
        // Who read whom is the controller's record, not a recruiter's business.
        if (user.role !== 'admin') return htmlResponse('');
        const [found] = await db.select({ aspirantId: conversations.aspirantId }).from(conversations).where(eq(conversations.id, params.id));
        if (!found) throw new NotFoundError('That conversation');
        const rows = await recentReadsOf(db, found.aspirantId, PANEL_READS);
        return htmlResponse(ReadsSection({ conversationId: params.id, aspirantId: found.aspirantId, rows, limit: PANEL_READS, i18n: translator(user.locale, user.timeZone) }));
      },
      { requireUser: true, params: idParams },
    )
    .get(
      '/admin/privacy/reads',
      async function readsPage({ user, session, query }) {
        const i18n = translator(user.locale, user.timeZone);
        const { filter, invalid } = filterOf(query);
        const [page, users] = await Promise.all([listReads(db, filter, parseReadCursor(query.before), READS_PAGE_SIZE), listUsers(db)]);
        const people = users.map((u) => ({ id: u.id, name: u.name, email: u.email }));
        const error = invalid ? i18n.t('privacy.reads.page.invalid') : undefined;
        return htmlResponse(ReadsPage({ i18n, email: user.email, csrf: session.csrfToken, filter, users: people, rows: page.rows, next: page.next, error }), invalid ? 400 : 200);
      },
      { requireAdmin: true, query: listQuery },
    );
}
