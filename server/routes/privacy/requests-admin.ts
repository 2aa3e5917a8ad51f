/**
 * @module server/routes/privacy/requests-admin — admins only: the queue of data-subject requests
 * (/admin/privacy/requests, `?show=closed` for the closed ones), one request's page, and its actions — tag in progress,
 * extend once, close done or rejected (Law 1581 Arts. 14–15). Every POST needs the session's CSRF token (authPlugin);
 * an extension and an answer are sent to her on WhatsApp (server/privacy/request-notices) and the page says whether
 * they went. Recruiters get the 403 page.
 */
import { Elysia, t } from 'elysia';
import type { DataSubjectRight } from '../../../actors/vocabulary';
import { translator, type Translator } from '../../../views/i18n';
import { dayLabel } from '../../../views/privacy/requests-badges';
import { RequestDetailPage, type RequestDetailProps } from '../../../views/privacy/requests-detail';
import { RequestsQueuePage } from '../../../views/privacy/requests-queue';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import type { PublicUser } from '../../db/queries/users';
import { NotFoundError } from '../../errors';
import { termsFor } from '../../privacy/deadlines';
import { tellExtended, tellResolved, type NoticeOutcome } from '../../privacy/request-notices';
import { listClosed, listOpen, requestItem } from '../../privacy/request-queries';
import { extend, RequestRefusedError, resolve, tagInProgress, type RequestRow } from '../../privacy/requests';
import { plainText } from '../../privacy/requests-text';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });
const DONE = ['tagged', 'extended', 'resolved'] as const;
type Done = (typeof DONE)[number];
/** What `told=` may say (a ReplyResult code, or these): nothing from the URL is echoed. */
const TOLD = ['sent', 'no_conversation', 'failed', 'OPTED_OUT', 'WINDOW_CLOSED', 'EMPTY_MESSAGE', 'NO_CONVERSATION', 'TOO_LONG'] as const;

interface Ctx {
  user: PublicUser;
  session: SessionRow;
}

const readerOf = (user: PublicUser) => translator(user.locale, user.timeZone);

/** The notice after an action: what was done, and whether she was told on WhatsApp (and why not). */
function noticeOf(i18n: Translator, done: string | undefined, told: string | undefined, row: RequestRow): string | undefined {
  if (!(DONE as readonly (string | undefined)[]).includes(done)) return undefined;
  const { t } = i18n;
  const what = t(`privacy.requests.notices.${done as Done}`, { date: dayLabel(i18n, row.extendedDueOn ?? row.dueOn) });
  if (told === 'sent') return `${what} ${t('privacy.requests.notices.sent')}`;
  if (told === 'no_conversation') return `${what} ${t('privacy.requests.notices.noConversation')}`;
  if (!(TOLD as readonly (string | undefined)[]).includes(told)) return what;
  const refused: Record<string, string> = i18n.messages.inbox.composer.refused;
  const reason = told && Object.hasOwn(refused, told) ? refused[told]! : t('inbox.composer.notSent');
  return `${what} ${t('privacy.requests.notices.notSent', { reason })}`;
}

function toldOf(outcome: NoticeOutcome | undefined): string {
  if (!outcome) return 'none';
  if (outcome.sent) return 'sent';
  return outcome.why === 'no_conversation' ? 'no_conversation' : (outcome.code ?? 'failed');
}

export function privacyRequestsAdminRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;
  const nowMs = deps.now ?? Date.now;
  const now = () => new Date(nowMs());
  const noticeDeps = { db, conversations: deps.services.conversations };

  async function detail(ctx: Ctx, id: number, extra: Partial<RequestDetailProps> = {}, status = 200) {
    const found = await requestItem(db, id, now());
    if (!found) throw new NotFoundError('That request');
    const extendTo = termsFor(found.row.right as DataSubjectRight, found.row.receivedAt).extendedDueOn;
    const page = RequestDetailPage({ i18n: readerOf(ctx.user), me: ctx.user, csrf: ctx.session.csrfToken, item: found.item, row: found.row, extendTo, ...extra });
    return htmlResponse(page, status);
  }

  /** Runs one change, then back to the request's page with its notice; a refusal re-renders it with the reason, what she typed kept. */
  async function act(ctx: Ctx, id: number, done: Done, change: () => Promise<NoticeOutcome | undefined>, draft?: RequestDetailProps['draft']) {
    try {
      const told = await change();
      return new Response(null, { status: 303, headers: { location: `/admin/privacy/requests/${id}?done=${done}&told=${toldOf(told)}` } });
    } catch (error) {
      if (!(error instanceof RequestRefusedError) || error.reason === 'notFound') throw error;
      const message = readerOf(ctx.user).t(`privacy.requests.errors.${error.reason}`);
      const field = error.reason === 'reason' || error.reason === 'resolution' || error.reason === 'status' ? error.reason : undefined;
      return detail(ctx, id, { error: message, errorField: field, draft }, error.status);
    }
  }

  const actor = (user: PublicUser) => ({ label: user.email, userId: user.id });

  return new Elysia({ name: 'privacy-requests-admin', prefix: '/admin/privacy/requests' }).use(authPlugin({ db, secureCookies: deps.secureCookies })).guard({ requireAdmin: true }, (admin) =>
    admin
      .get(
        '',
        async function queue({ user, session, query }) {
          const show = query.show === 'closed' ? 'closed' : 'open';
          const items = show === 'open' ? await listOpen(db, { now: now() }) : await listClosed(db, { now: now() });
          return htmlResponse(RequestsQueuePage({ i18n: readerOf(user), me: user, csrf: session.csrfToken, show, items }));
        },
        { query: t.Object({ show: t.Optional(t.String({ maxLength: 10 })) }) },
      )
      .get(
        '/:id',
        async function requestPage({ user, session, params, query }) {
          const found = await requestItem(db, params.id, now());
          if (!found) throw new NotFoundError('That request');
          return detail({ user, session }, params.id, { notice: noticeOf(readerOf(user), query.done, query.told, found.row) });
        },
        { params: idParams, query: t.Object({ done: t.Optional(t.String({ maxLength: 20 })), told: t.Optional(t.String({ maxLength: 20 })) }) },
      )
      .post(
        '/:id/tag',
        function tag({ user, session, params }) {
          return act({ user, session }, params.id, 'tagged', async () => void (await tagInProgress(db, params.id, actor(user), now())));
        },
        { params: idParams },
      )
      .post(
        '/:id/extend',
        function extendTerm({ user, session, params, body }) {
          const reason = plainText(body.reason);
          return act({ user, session }, params.id, 'extended', async () => tellExtended(noticeDeps, await extend(db, params.id, { reason, actor: actor(user), now: now() }), user.id), { reason });
        },
        { params: idParams, body: t.Object({ reason: t.String({ maxLength: 2000 }) }) },
      )
      .post(
        '/:id/resolve',
        function close({ user, session, params, body }) {
          const status = body.status === 'done' || body.status === 'rejected' ? body.status : ('' as 'done');
          const resolution = plainText(body.resolution);
          return act({ user, session }, params.id, 'resolved', async () => tellResolved(noticeDeps, await resolve(db, params.id, { status, resolution, actor: actor(user), now: now() }), user.id), {
            status: body.status,
            resolution,
          });
        },
        { params: idParams, body: t.Object({ status: t.Optional(t.String({ maxLength: 20 })), resolution: t.String({ maxLength: 4000 }) }) },
      ),
  );
}
