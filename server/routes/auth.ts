/** @module server/routes/auth — GET/POST /login and POST /logout: argon2id check, throttling, the session cookie, audit rows. */
import { Elysia, t } from 'elysia';
import { clientIp } from '../auth/client-ip';
import { isLocalPath, safeNext } from '../auth/csrf';
import { authPlugin, clearSessionCookie, SESSION_COOKIE, secureCookiesFor, sessionCookie } from '../auth/plugin';
import { createSession, destroySession } from '../auth/sessions';
import { createLoginThrottle, type LoginThrottle, type ThrottleVerdict } from '../auth/throttle';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { findUserByEmail, type UserRow } from '../db/queries/users';
import { ForbiddenError } from '../errors';
import { hashPassword } from '../services/users';
import { LoginPage, type LoginPageProps } from '../../views/auth/login';
import { localeFromAcceptLanguage, translator, type Translator } from '../../views/i18n';
import { htmlResponse } from './html';

export interface AuthRoutesDeps {
  db: Db;
  publicUrl: string;
  trustProxy?: boolean;
  /** Shared across route instances in one process; a fresh one by default. */
  throttle?: LoginThrottle;
  now?: () => Date;
  /**
   * Verified against when the email is unknown, so both failures take the same time. By default
   * one made with hashPassword's own parameters; tests pass a cheap one.
   */
  timingHash?: string;
}

const DEFAULT_LANDING = '/inbox';

type Outcome = { ok: true; user: UserRow } | { ok: false; reason: 'unknown_email' | 'wrong_password' | 'disabled'; user?: UserRow };

let defaultTimingHash: Promise<string> | undefined;

function timingHashOf(deps: AuthRoutesDeps): Promise<string> {
  if (deps.timingHash) return Promise.resolve(deps.timingHash);
  defaultTimingHash ??= hashPassword('wasap timing equaliser, never a real password');
  return defaultTimingHash;
}

async function verify(password: string, hash: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
}

async function checkCredentials(deps: AuthRoutesDeps, email: string, password: string): Promise<Outcome> {
  const user = await findUserByEmail(deps.db, email);
  if (!user) {
    await verify(password, await timingHashOf(deps));
    return { ok: false, reason: 'unknown_email' };
  }
  if (!(await verify(password, user.passwordHash))) return { ok: false, reason: 'wrong_password', user };
  // Only someone who knows the password learns the account is disabled.
  if (user.disabled) return { ok: false, reason: 'disabled', user };
  return { ok: true, user };
}

function page(props: LoginPageProps, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return htmlResponse(LoginPage(props), status, headers);
}

function throttledPage(verdict: Extract<ThrottleVerdict, { allowed: false }>, props: LoginPageProps): Promise<Response> {
  const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
  return page({ ...props, error: props.i18n.t('login.throttled', { count: minutes }) }, 429, { 'retry-after': String(verdict.retryAfterSeconds) });
}

/** The sign-in page speaks the browser's language (no user is known yet). */
function readerOf(request: Request): Translator {
  return translator(localeFromAcceptLanguage(request.headers.get('accept-language')));
}

/** Login CSRF: a form posted from another site carries its Origin; browsers always send it on cross-site POSTs. */
function checkOrigin(request: Request, publicUrl: string): void {
  const origin = request.headers.get('origin');
  if (!origin) return;
  if (origin === new URL(publicUrl).origin || origin === new URL(request.url).origin) return;
  throw new ForbiddenError('This sign-in form was sent from another site. Open the sign-in page of Wasap and try again.');
}

export function authRoutes(deps: AuthRoutesDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const throttle = deps.throttle ?? createLoginThrottle({ now: () => now().getTime() });
  const secure = secureCookiesFor(deps.publicUrl);

  return new Elysia({ name: 'auth-routes' })
    .use(authPlugin({ db, secureCookies: secure, now }))
    .get(
      '/login',
      function loginForm({ auth, query, set, request }) {
        const next = isLocalPath(query.next) ? query.next : undefined;
        if (auth) {
          set.status = 303;
          set.headers.location = safeNext(next, DEFAULT_LANDING);
          return '';
        }
        return page({ i18n: readerOf(request), next });
      },
      { query: t.Object({ next: t.Optional(t.String({ maxLength: 2048 })) }) },
    )
    .post(
      '/login',
      async function signIn({ body, request, server, cookie, set }) {
        checkOrigin(request, deps.publicUrl);
        const ip = clientIp(request, server, deps.trustProxy ?? false);
        const email = body.email.trim().toLowerCase();
        const next = isLocalPath(body.next) ? body.next : undefined;
        const i18n = readerOf(request);
        const verdict = throttle.check(email, ip);
        if (!verdict.allowed) return throttledPage(verdict, { i18n, next, email });
        const outcome = await checkCredentials(deps, email, body.password);
        if (!outcome.ok) {
          if (outcome.reason !== 'disabled') throttle.recordFailure(email, ip);
          await recordAudit(db, {
            actor: 'anonymous',
            action: 'auth.sign_in_failed',
            targetType: outcome.user ? 'user' : undefined,
            targetId: outcome.user?.id,
            details: { email, reason: outcome.reason },
            ip,
          });
          const error = i18n.t(outcome.reason === 'disabled' ? 'login.disabled' : 'login.wrongCredentials');
          return page({ i18n, next, email, error }, outcome.reason === 'disabled' ? 403 : 401);
        }
        throttle.recordSuccess(email);
        const { user } = outcome;
        const session = await createSession(db, user.id, now());
        cookie[SESSION_COOKIE]!.set({ value: session.token, ...sessionCookie(secure) });
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'auth.signed_in', targetType: 'user', targetId: user.id, ip });
        set.status = 303;
        set.headers.location = safeNext(next, DEFAULT_LANDING);
        return '';
      },
      {
        body: t.Object({
          email: t.String({ maxLength: 320 }),
          password: t.String({ maxLength: 1024 }),
          next: t.Optional(t.String({ maxLength: 2048 })),
        }),
      },
    )
    .post(
      '/logout',
      async function signOut({ user, cookie, request, server, set }) {
        const token = cookie[SESSION_COOKIE]?.value;
        if (typeof token === 'string') await destroySession(db, token);
        clearSessionCookie(cookie[SESSION_COOKIE], secure);
        await recordAudit(db, { actor: user.email, actorUserId: user.id, action: 'auth.signed_out', targetType: 'user', targetId: user.id, ip: clientIp(request, server, deps.trustProxy ?? false) });
        set.status = 303;
        set.headers.location = '/login';
        if (request.headers.get('hx-request')) set.headers['hx-redirect'] = '/login';
        return '';
      },
      { requireUser: true },
    );
}
