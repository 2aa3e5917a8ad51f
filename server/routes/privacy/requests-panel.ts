/**
 * @module server/routes/privacy/requests-panel — the aspirant panel's requests section: `GET
 * /privacy/conversations/:id/requests` lists her data-subject requests, `POST` opens one on her behalf (channel
 * `recruiter`, opened_by the signed-in user; received now). Recruiters only on conversations they may see (assigned to
 * them or unassigned, as the inbox checks), else 404; admins on every one. CSRF on the POST (authPlugin).
 */
import { eq } from 'drizzle-orm';
import { Elysia, t } from 'elysia';
import { DATA_SUBJECT_RIGHTS, type DataSubjectRight } from '../../../actors/vocabulary';
import { translator } from '../../../views/i18n';
import { dayLabel } from '../../../views/privacy/requests-badges';
import { RequestsSection } from '../../../views/privacy/requests-section';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import { canSee } from '../../db/queries/inbox';
import type { PublicUser } from '../../db/queries/users';
import { conversations } from '../../db/schema';
import { NotFoundError } from '../../errors';
import { requestsOfConversation } from '../../privacy/request-queries';
import { effectiveDueOn, openRequest, REQUEST_TEXT_MAX } from '../../privacy/requests';
import { plainText } from '../../privacy/requests-text';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });
const isRight = (value: unknown): value is DataSubjectRight => (DATA_SUBJECT_RIGHTS as readonly unknown[]).includes(value);

export function privacyRequestsPanelRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  const nowMs = deps.now ?? Date.now;
  const now = () => new Date(nowMs());

  /** Her aspirant id when this reader may see the conversation; 404 otherwise (a recruiter learns nothing of others'). */
  async function visibleAspirant(user: PublicUser, conversationId: number): Promise<number> {
    if (!(await canSee(db, user, conversationId))) throw new NotFoundError('That conversation');
    const [row] = await db.select({ aspirantId: conversations.aspirantId }).from(conversations).where(eq(conversations.id, conversationId));
    if (!row) throw new NotFoundError('That conversation');
    return row.aspirantId;
  }

  async function section(user: PublicUser, session: SessionRow, conversationId: number, extra: { notice?: string; error?: string } = {}, status = 200) {
    const items = await requestsOfConversation(db, conversationId, now());
    const i18n = translator(user.locale, user.timeZone);
    return htmlResponse(RequestsSection({ i18n, conversationId, csrf: session.csrfToken, items, admin: user.role === 'admin', ...extra }), status);
  }

  return new Elysia({ name: 'privacy-requests-panel', prefix: '/privacy/conversations' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .guard({ requireUser: true, params: idParams }, (signedIn) =>
      signedIn
        .get('/:id/requests', async function requestsSection({ user, session, params }) {
          await visibleAspirant(user, params.id);
          return section(user, session, params.id);
        })
        .post(
          '/:id/requests',
          async function openOnHerBehalf({ user, session, params, body }) {
            const aspirantId = await visibleAspirant(user, params.id);
            const i18n = translator(user.locale, user.timeZone);
            const say = i18n.t;
            if (!isRight(body.right)) return section(user, session, params.id, { error: say('privacy.requests.errors.right') }, 400);
            const input = { aspirantId, conversationId: params.id, right: body.right, channel: 'recruiter' as const, details: plainText(body.details), openedById: user.id, receivedAt: now() };
            const { row, opened } = await openRequest(db, input, { label: user.email, userId: user.id });
            if (!opened) return section(user, session, params.id, { notice: say('privacy.requests.notices.alreadyOpen', { date: dayLabel(i18n, effectiveDueOn(row)) }) });
            return section(user, session, params.id, { notice: say('privacy.requests.notices.opened') });
          },
          { body: t.Object({ right: t.Optional(t.String({ maxLength: 40 })), details: t.Optional(t.String({ maxLength: REQUEST_TEXT_MAX })) }) },
        ),
    );
}
