/**
 * @module server/routes/privacy/minors — the minors part of the personal-data pages (Law 1581 Art. 7; Decree 1377
 * Art. 12); see ../privacy.ts for what every part receives.
 * - `GET/POST /g/:token`: the guardian's page (public, the signed link is the only credential): the privacy notice and
 *   the minor's first name, and her answer with her ID document number (server/privacy/guardian-decision). Invalid or
 *   tampered links are 404, expired ones 410, a wrong number 400, too many answers 429. Spanish unless `?lang=en`.
 * - `GET /privacy/conversations/:id/minors`: the panel's section; `POST …/minors/resend` sends the link again on
 *   WhatsApp (audited `guardian.link_sent`, at most RESEND_LIMIT per guardian an hour). Recruiters on conversations they
 *   may see (server/db/queries/inbox canSee), admins on all; CSRF on the POST (authPlugin).
 */
import { Elysia, t } from 'elysia';
import { translator } from '../../../views/i18n';
import { GuardianPage, type GuardianPageProps } from '../../../views/privacy/guardian-page';
import { resolveSecret } from '../../config';
import { clientIp, page, readForm } from '../../forms/http';
import { pickLocale } from '../../forms/i18n';
import type { RateDecision } from '../../forms/rate-limit';
import { limiters } from '../../forms/shared-rate-limit';
import { DEFAULT_FORM_LIMITS } from '../form';
import { guardianNotice } from '../../privacy/guardian-notice';
import { decideThroughLink, recordedDecision } from '../../privacy/guardian-decision';
import { verifyGuardianToken } from '../../privacy/guardian-token';
import { getGuardian, minorOf } from '../../privacy/guardians';
import type { PrivacyRouteDeps } from './deps';
import { minorsPanelRoutes } from './minors-panel';

const BOGOTA = 'America/Bogota';
const MAX_BODY = 4 * 1024;

export function privacyMinorsRoutes(deps: PrivacyRouteDeps) {
  const { db, config, logger } = deps;
  const secret = resolveSecret(config);
  const now = deps.now ?? Date.now;
  // Kept in Postgres when several processes may share it (DATABASE_URL), so a limit holds across all of them.
  const limiter = limiters({ db, shared: Boolean(config.databaseUrl), now });
  const byToken = limiter('guardian.token', DEFAULT_FORM_LIMITS.perToken);
  const byIp = limiter('guardian.ip', DEFAULT_FORM_LIMITS.perIp);
  const agencyName = config.agencyName;

  function render(locale: string, props: Omit<GuardianPageProps, 'i18n' | 'agencyName'>, status = 200, headers: Record<string, string> = {}) {
    return page(GuardianPage({ i18n: translator(locale, BOGOTA), agencyName, ...props }), status, headers);
  }

  /** The guardian and her minor a token names, or the page that says why not (the token is never echoed). */
  async function open(token: string, locale: string) {
    const check = verifyGuardianToken(secret, token, now());
    const i18n = translator(locale, BOGOTA);
    if (!check.ok) {
      const error = i18n.t(`privacy.minors.page.${check.reason}`, { agency: agencyName });
      return { response: render(locale, { error }, check.reason === 'expired' ? 410 : 404) };
    }
    const [guardian, minor] = await Promise.all([getGuardian(db, check.guardianId), minorOf(db, check.guardianId)]);
    if (!guardian || !minor) return { response: render(locale, { error: i18n.t('privacy.minors.page.invalid', { agency: agencyName }) }, 404) };
    return { guardian, minor, action: `/g/${token}` };
  }

  async function limited(token: string, ip: string): Promise<RateDecision> {
    const perIp = await byIp.hit(ip);
    return perIp.ok ? byToken.hit(token) : perIp;
  }

  // No length limit on the token: a junk link must reach the friendly page (the token check bounds it).
  const params = t.Object({ token: t.String() });
  const query = t.Object({ lang: t.Optional(t.String({ maxLength: 5 })) });

  return new Elysia({ name: 'privacy-minors' })
    .get(
      '/g/:token',
      async function guardianPage({ params, query }) {
        const locale = pickLocale(query.lang);
        const opened = await open(params.token, locale);
        if ('response' in opened) return opened.response;
        const decided = recordedDecision(opened.guardian);
        const notice = decided ? undefined : await guardianNotice(db, locale, agencyName);
        return render(locale, { action: opened.action, minorName: opened.minor.firstName, notice, decided });
      },
      { params, query },
    )
    .post(
      '/g/:token',
      async function guardianAnswers({ params, query, request, server }) {
        const locale = pickLocale(query.lang);
        const i18n = translator(locale, BOGOTA);
        const ip = clientIp(request, server, config.trustProxy);
        const rate = await limited(params.token, ip);
        if (!rate.ok) {
          const error = i18n.t('privacy.minors.page.tooMany', { minutes: Math.ceil(rate.retryAfterSec / 60) });
          return render(locale, { error }, 429, { 'retry-after': String(rate.retryAfterSec) });
        }
        const opened = await open(params.token, locale);
        if ('response' in opened) return opened.response;
        const form = await readForm(request, MAX_BODY);
        const decision = form.get('decision');
        const documentNumber = String(form.get('documentNumber') ?? '').slice(0, 40);
        const base = { action: opened.action, minorName: opened.minor.firstName };
        const again = async (error: string, status: number) => render(locale, { ...base, error, notice: await guardianNotice(db, locale, agencyName) }, status);
        const earlier = recordedDecision(opened.guardian);
        if (earlier) return render(locale, { ...base, decided: earlier });
        if (decision !== 'authorised' && decision !== 'declined') return again(i18n.t('privacy.minors.page.decisionMissing'), 400);
        if (!documentNumber.trim()) return again(i18n.t('privacy.minors.page.documentMissing'), 400);
        const source = { ip, userAgent: request.headers.get('user-agent') };
        const deciding = { db, conversations: deps.services.conversations, logger, agencyName };
        const outcome = await decideThroughLink(deciding, { guardianId: opened.guardian.id, decision, documentNumber, locale, source, at: new Date(now()) });
        if (outcome.result === 'mismatch') return again(i18n.t('privacy.minors.page.mismatch'), 400);
        if (outcome.result === 'missing') return render(locale, { error: i18n.t('privacy.minors.page.invalid', { agency: agencyName }) }, 404);
        return render(locale, { ...base, decided: { decision: outcome.decision, at: outcome.at } });
      },
      { params, query, parse: 'none' },
    )
    .use(minorsPanelRoutes(deps));
}
