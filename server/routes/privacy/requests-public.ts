/**
 * @module server/routes/privacy/requests-public — /privacy/request, the aspirant's own way to exercise her rights
 * (Law 1581 Art. 8) in her language. The page cannot authenticate a stranger, so:
 * - with her form token (`?token=`, server/forms/link: signed, bound to her aspirant id, expiring with the form
 *   link) it shows a short form whose POST opens the request for her (channel `form`, received now); asking again
 *   for the same right while one is open answers with the open one, so the link cannot flood the queue;
 * - without one (or an expired one) it tells her to write "mis datos" / "borrar mis datos" to the agency's WhatsApp
 *   (a wa.me link to the provider's number), where her number identifies her and the bot opens the request.
 * Nothing from the URL is echoed but the token, escaped, into the form; an invalid token is never repeated.
 */
import { Elysia, t } from 'elysia';
import { DATA_SUBJECT_RIGHTS, type DataSubjectRight, type Locale } from '../../../actors/vocabulary';
import { aspirantDay, requestAspirantStrings } from '../../../views/privacy/requests-aspirant-strings';
import { RequestPublicPage, type RequestPublicProps } from '../../../views/privacy/requests-public';
import { resolveSecret } from '../../config';
import { getAspirant } from '../../db/queries/aspirants';
import { pickLocale } from '../../forms/i18n';
import { verifyFormToken } from '../../forms/link';
import { effectiveDueOn, openRequest, openRequestOf, REQUEST_TEXT_MAX } from '../../privacy/requests';
import { plainText } from '../../privacy/requests-text';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

const isRight = (value: unknown): value is DataSubjectRight => (DATA_SUBJECT_RIGHTS as readonly unknown[]).includes(value);
const TOKEN = { maxLength: 200 };

export function privacyRequestsPublicRoutes(deps: PrivacyRouteDeps) {
  const { db, config } = deps;
  const secret = resolveSecret(config);
  const now = deps.now ?? Date.now;
  const base = { agencyName: config.agencyName, whatsappNumber: deps.services.provider.number };

  /** The aspirant a token names, when it is valid and she still exists. */
  async function holder(token: string | undefined) {
    if (!token) return undefined;
    const check = verifyFormToken(secret, token, now());
    return check.ok ? getAspirant(db, check.aspirantId) : undefined;
  }

  function page(props: Omit<RequestPublicProps, 'agencyName' | 'whatsappNumber'>, status = 200) {
    return htmlResponse(RequestPublicPage({ ...base, ...props }), status);
  }

  return new Elysia({ name: 'privacy-requests-public' })
    .get(
      '/privacy/request',
      async function rightsPage({ query, request }) {
        const aspirant = await holder(query.token);
        const locale = pickLocale(query.lang, aspirant?.locale, request.headers.get('accept-language'));
        if (query.token && !aspirant) return page({ locale, linkProblem: true });
        return page({ locale, token: aspirant ? query.token : undefined });
      },
      { query: t.Object({ token: t.Optional(t.String(TOKEN)), lang: t.Optional(t.String({ maxLength: 5 })) }) },
    )
    .post(
      '/privacy/request',
      async function askForHerself({ body }) {
        const aspirant = await holder(body.token);
        const locale: Locale = pickLocale(body.lang, aspirant?.locale);
        if (!aspirant) return page({ locale, linkProblem: true }, 410);
        const s = requestAspirantStrings(locale);
        const details = plainText(body.details);
        const draft = { right: body.right, details };
        if (!isRight(body.right)) return page({ locale, token: body.token, error: { field: 'right', message: s.errors.right }, draft }, 400);
        if ((details?.length ?? 0) > REQUEST_TEXT_MAX) return page({ locale, token: body.token, error: { field: 'details', message: s.errors.words }, draft }, 400);
        const open = await openRequestOf(db, aspirant.id, body.right);
        if (open) return page({ locale, token: body.token, notice: s.already(aspirantDay(effectiveDueOn(open), locale)) });
        const { row, opened } = await openRequest(db, { aspirantId: aspirant.id, right: body.right, channel: 'form', details, receivedAt: new Date(now()) }, { label: 'form' });
        if (!opened) return page({ locale, token: body.token, notice: s.already(aspirantDay(effectiveDueOn(row), locale)) });
        return page({ locale, token: body.token, notice: s.opened(aspirantDay(row.dueOn, locale)) });
      },
      {
        body: t.Object({
          token: t.Optional(t.String(TOKEN)),
          lang: t.Optional(t.String({ maxLength: 5 })),
          right: t.Optional(t.String({ maxLength: 40 })),
          details: t.Optional(t.String({ maxLength: 20_000 })),
        }),
      },
    );
}
