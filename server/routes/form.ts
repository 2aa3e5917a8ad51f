/** @module server/routes/form — the aspirant's hosted form (/f/:token), its inline checks, the privacy notice and the form webhook. */
import { createHash } from 'node:crypto';
import { Elysia, t } from 'elysia';
import { CONSENT_SCOPES, type Locale } from '../../actors/vocabulary';
import { FieldErrorText } from '../../views/form/fields';
import { GuardianBlock } from '../../views/form/guardian-fields';
import { minorStrings } from '../../views/form/minor-strings';
import { FormPage } from '../../views/form/form-page';
import { LinkProblemPage, ThankYouPage, TooManyPage } from '../../views/form/pages';
import { PrivacyPage } from '../../views/form/privacy';
import { strings } from '../../views/form/strings';
import { resolveSecret, type Config } from '../config';
import type { Db } from '../db/client';
import { aspirantLocale, aspirantProfile, getAspirant, latestSubmission, type Aspirant } from '../db/queries/aspirants';
import { clientIp, page, readForm } from '../forms/http';
import { pickLocale } from '../forms/i18n';
import { verifyFormToken } from '../forms/link';
import type { RateDecision, RateLimit } from '../forms/rate-limit';
import { limiters } from '../forms/shared-rate-limit';
import { minorState } from '../forms/validate-minor';
import { formDataInput, initialValues, isFormField, validateForm, type FormErrors, type FormValues } from '../forms/validate';
import type { ConversationSystem } from '../conversations/system';
import type { GuardianLinks } from '../privacy/guardian-link';
import { bogotaDay } from '../privacy/deadlines';
import { inForce, isAuthorised } from '../privacy/consents';
import { currentNotice } from '../privacy/notices';
import { formWebhookRoutes } from './form-webhook';
import { noticeVersionResponse } from './privacy/notice-version';

export interface FormRateLimits {
  /** Form submissions per link. */
  perToken: RateLimit;
  /** Form submissions per client address. */
  perIp: RateLimit;
  /** Inline field checks per client address (one per changed field, so more generous). */
  checksPerIp: RateLimit;
}

export const DEFAULT_FORM_LIMITS: FormRateLimits = {
  perToken: { limit: 10, windowMs: 10 * 60_000 },
  perIp: { limit: 60, windowMs: 10 * 60_000 },
  checksPerIp: { limit: 600, windowMs: 10 * 60_000 },
};

export interface FormRouteDeps {
  config: Config;
  db: Db;
  conversations: Pick<ConversationSystem, 'acceptForm'>;
  /** Records a minor's guardian after her accepted submission and sends the guardian's link (server/privacy/guardian-link). */
  guardianLinks?: Pick<GuardianLinks, 'accept'>;
  /** Our WhatsApp number (E.164) for the privacy page's contact line, when the provider knows it. */
  whatsappNumber?: string;
  now?: () => number;
  limits?: Partial<FormRateLimits>;
}

const MAX_FORM_BYTES = 32 * 1024;
const TOKEN_ID = /^v1\.(\d{1,10})\./;

type Opened = { ok: true; aspirant: Aspirant } | { ok: false; response: Promise<Response> };

export function formRoutes(deps: FormRouteDeps) {
  const { config, db } = deps;
  const secret = resolveSecret(config);
  const now = deps.now ?? Date.now;
  const limits = { ...DEFAULT_FORM_LIMITS, ...deps.limits };
  // Kept in Postgres when several processes may share it (DATABASE_URL), so a limit holds across all of them.
  const limiter = limiters({ db, shared: Boolean(config.databaseUrl), now });
  const byToken = limiter('form.token', limits.perToken);
  const byIp = limiter('form.ip', limits.perIp);
  const checksByIp = limiter('form.checks.ip', limits.checksPerIp);
  const agencyName = config.agencyName;

  /** Invalid, tampered and unknown links are 404, expired ones 410; the page never repeats the token. */
  async function linkProblem(token: string, lang: string | undefined, request: Request, expired: boolean): Promise<Response> {
    // An expired token's signature did verify, so its aspirant id is genuine: answer in their language.
    const id = expired ? Number(TOKEN_ID.exec(token)?.[1]) : NaN;
    const known = Number.isSafeInteger(id) ? await aspirantLocale(db, id) : undefined;
    const s = strings(pickLocale(lang, known, request.headers.get('accept-language')));
    return page(LinkProblemPage({ s, agencyName, expired }), expired ? 410 : 404);
  }

  async function open(token: string, lang: string | undefined, request: Request): Promise<Opened> {
    const check = verifyFormToken(secret, token, now());
    if (!check.ok) return { ok: false, response: linkProblem(token, lang, request, check.reason === 'expired') };
    const aspirant = await getAspirant(db, check.aspirantId);
    if (!aspirant) return { ok: false, response: linkProblem(token, lang, request, false) };
    return { ok: true, aspirant };
  }

  function tooMany(decision: RateDecision & { ok: false }, locale: Locale): Promise<Response> {
    const headers = { 'retry-after': String(decision.retryAfterSec) };
    return page(TooManyPage({ s: strings(locale), agencyName, retryAfterSec: decision.retryAfterSec }), 429, headers);
  }

  async function limited(token: string, ip: string): Promise<RateDecision> {
    const perIp = await byIp.hit(ip);
    return perIp.ok ? byToken.hit(token) : perIp;
  }

  async function startingValues(aspirant: Aspirant, locale: Locale): Promise<FormValues> {
    // The newest submission, even if the actor has not copied it to the aspirant row yet.
    const earlier = await latestSubmission(db, aspirant.id);
    // Her sensitive boxes as the ledger holds them now: one a recruiter recorded as revoked comes back unticked.
    const ledger = await inForce(db, aspirant.id);
    const authorised = CONSENT_SCOPES.filter((scope) => scope !== 'treatment' && isAuthorised(ledger, scope));
    const known = { profile: earlier?.profile ?? aspirantProfile(aspirant), whatsappName: aspirant.whatsappName };
    return initialValues(locale, Object.keys(ledger).length > 0 ? { ...known, authorised } : known);
  }

  function formPage(token: string, locale: Locale, values: FormValues, errors: FormErrors, status = 200): Promise<Response> {
    // Her age by the date already typed: the guardian block is shown or left out at once, without asking the server again.
    const at = now();
    const minor = minorState(values.birthDate, at);
    const props = {
      s: strings(locale),
      agencyName,
      action: `/f/${token}`,
      values,
      errors,
      privacyUrl: config.privacyPolicyUrl,
      nonce: crypto.randomUUID(),
      today: bogotaDay(new Date(at)),
      ...(minor === undefined ? {} : { minor }),
    };
    return page(FormPage(props), status);
  }

  /** Same rendering of the form and same answers → the same key, so a double click stores one version. */
  function submissionKey(aspirantId: number, nonce: unknown, profile: unknown): string | undefined {
    if (typeof nonce !== 'string' || !/^[0-9a-f-]{36}$/.test(nonce)) return undefined;
    return `hosted:${aspirantId}:${createHash('sha256')
      .update(`${nonce}\n${JSON.stringify(profile)}`)
      .digest('base64url')}`;
  }

  // No length limits here: a junk link must reach the friendly page, not a validation error (the token check bounds it).
  const tokenParams = t.Object({ token: t.String() });
  const langQuery = t.Object({ lang: t.Optional(t.String()) });

  return new Elysia({ name: 'form' })
    .get(
      '/f/:token',
      async function showForm({ params, query, request }) {
        const opened = await open(params.token, query.lang, request);
        if (!opened.ok) return opened.response;
        const locale = pickLocale(query.lang, opened.aspirant.locale);
        return formPage(params.token, locale, await startingValues(opened.aspirant, locale), {});
      },
      { params: tokenParams, query: langQuery },
    )
    .post(
      '/f/:token',
      async function submitForm({ params, query, request, server }) {
        const ip = clientIp(request, server, config.trustProxy);
        const decision = await limited(params.token, ip);
        if (!decision.ok) return tooMany(decision, pickLocale(query.lang, null, request.headers.get('accept-language')));
        const opened = await open(params.token, query.lang, request);
        if (!opened.ok) return opened.response;
        const input = formDataInput(await readForm(request, MAX_FORM_BYTES));
        const locale = pickLocale(typeof input.locale === 'string' ? input.locale : query.lang, opened.aspirant.locale);
        const result = validateForm(input, locale);
        if (!result.ok) return formPage(params.token, locale, result.values, result.errors, 422);
        const { aspirant } = opened;
        // Her guardian authorises from her own phone (Decree 1377 Art. 12), never from the minor's.
        if (result.guardian?.phone && [aspirant.whatsappId, aspirant.phone].includes(result.guardian.phone)) {
          return formPage(params.token, locale, result.values, { guardianPhone: minorStrings(locale).errors.ownNumber }, 422);
        }
        const accepted = await deps.conversations.acceptForm(aspirant.whatsappId, {
          aspirantId: aspirant.id,
          profile: result.profile,
          source: 'hosted',
          externalId: submissionKey(aspirant.id, input.nonce, result.profile),
          submittedAt: now(),
          // The notice in force is the one /privacy shows and the form links (server/privacy/notices).
          consents: { notice: await currentNotice(db, result.profile.locale), channel: 'form', ip, userAgent: request.headers.get('user-agent') },
        });
        if (result.guardian && !accepted.duplicate) await deps.guardianLinks?.accept(aspirant.id, result.guardian);
        // Post/redirect/get: a reload of the thank-you page does not post the form again.
        return new Response(null, { status: 303, headers: { location: `/f/${params.token}/thanks`, 'cache-control': 'no-store' } });
      },
      { params: tokenParams, query: langQuery, parse: 'none' },
    )
    .post(
      '/f/:token/validate',
      async function checkField({ params, query, request, server }) {
        // No aspirant read here: the signature alone says the link is genuine, and this runs on every changed field
        // (the database is asked only by the shared limiter, with DATABASE_URL).
        if (!(await checksByIp.hit(clientIp(request, server, config.trustProxy))).ok) return new Response(null, { status: 204 });
        const check = verifyFormToken(secret, params.token, now());
        if (!check.ok) return new Response('', { status: check.reason === 'expired' ? 410 : 404 });
        if (!isFormField(query.field)) return new Response('', { status: 400 });
        const input = formDataInput(await readForm(request, MAX_FORM_BYTES));
        const locale = pickLocale(typeof input.locale === 'string' ? input.locale : undefined);
        const result = validateForm(input, locale);
        const message = result.ok ? undefined : result.errors[query.field];
        return page(FieldErrorText({ message, prefix: 'Error: ' }));
      },
      { params: tokenParams, query: t.Object({ field: t.Optional(t.String()) }), parse: 'none' },
    )
    .post(
      '/f/:token/guardian',
      async function guardianBlock({ params, request, server }) {
        // The guardian's block, shown or left empty by the date already typed (Decree 1377 Art. 12: under 18 her guardian
        // authorises); like the inline checks, the signature alone says the link is genuine, and what was typed is kept.
        if (!(await checksByIp.hit(clientIp(request, server, config.trustProxy))).ok) return new Response(null, { status: 204 });
        const check = verifyFormToken(secret, params.token, now());
        if (!check.ok) return new Response('', { status: check.reason === 'expired' ? 410 : 404 });
        const input = formDataInput(await readForm(request, MAX_FORM_BYTES));
        const locale = pickLocale(typeof input.locale === 'string' ? input.locale : undefined);
        const { values } = validateForm(input, locale);
        const action = `/f/${params.token}`;
        const block = GuardianBlock({
          m: minorStrings(locale),
          values: values.guardian,
          errors: {},
          errorPrefix: 'Error: ',
          optionalText: strings(locale).optional,
          action,
          check: { url: `${action}/validate` },
          minor: minorState(values.birthDate, now()),
        });
        return page(block);
      },
      { params: tokenParams, parse: 'none' },
    )
    .get(
      '/f/:token/thanks',
      async function thanks({ params, query, request }) {
        const opened = await open(params.token, query.lang, request);
        if (!opened.ok) return opened.response;
        const latest = await latestSubmission(db, opened.aspirant.id);
        if (!latest) return new Response(null, { status: 303, headers: { location: `/f/${params.token}` } });
        const locale = pickLocale(query.lang, latest.profile.locale ?? opened.aspirant.locale);
        // The photo line only for her who ticked photos; a submission from before the box (no sensitiveConsents) did.
        const photos = latest.profile.sensitiveConsents?.includes('photos') ?? true;
        return page(ThankYouPage({ s: strings(locale), agencyName, firstName: latest.profile.firstName ?? '', photos }));
      },
      { params: tokenParams, query: langQuery },
    )
    .get(
      '/privacy',
      async function privacy({ query, request }) {
        const locale = pickLocale(query.lang, null, request.headers.get('accept-language'));
        // ?version=N: that version as published (server/routes/privacy/notice-version); 404 for one that never was.
        if (query.version !== undefined) return noticeVersionResponse(db, query.version, locale, agencyName);
        // The version in force: the one an accepted form records in the consent ledger.
        const notice = await currentNotice(db, locale);
        return page(PrivacyPage({ locale, agencyName, whatsappNumber: deps.whatsappNumber, notice }));
      },
      { query: t.Object({ lang: t.Optional(t.String()), version: t.Optional(t.String({ maxLength: 12 })) }) },
    )
    .use(formWebhookRoutes({ db, secret, webhookSecret: config.formWebhookSecret, conversations: deps.conversations, guardianLinks: deps.guardianLinks, now }));
}
