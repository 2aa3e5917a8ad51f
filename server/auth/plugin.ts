/** @module server/auth/plugin — resolves the signed-in user from the session cookie; `requireUser`/`requireAdmin` guards with CSRF. */
import { Elysia } from 'elysia';
import type { Db } from '../db/client';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { checkCsrf, CSRF_FIELD, CSRF_HEADER, CsrfError, isLocalPath, isStateChanging } from './csrf';
import { lookupSession, SESSION_ABSOLUTE_MS, type SignedIn } from './sessions';

export { checkCsrf } from './csrf';
export type { SignedIn } from './sessions';

export const SESSION_COOKIE = 'wasap_session';

export interface AuthPluginDeps {
  db: Db;
  /** True when PUBLIC_URL is https: the cookie then never travels over plain HTTP. */
  secureCookies: boolean;
  now?: () => Date;
}

export function secureCookiesFor(publicUrl: string): boolean {
  return publicUrl.toLowerCase().startsWith('https:');
}

/** Attributes of the session cookie; Max-Age is the absolute lifetime (the idle limit is enforced server-side). */
export function sessionCookie(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_ABSOLUTE_MS / 1000 } as const;
}

interface CookieJarEntry {
  set(options: { value: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean; path: string; maxAge: number; expires?: Date }): unknown;
}

/** Elysia's cookie.remove() drops the Path, and a browser only deletes the cookie whose Path matches. */
export function clearSessionCookie(jar: CookieJarEntry | undefined, secure: boolean): void {
  jar?.set({ ...sessionCookie(secure), value: '', maxAge: 0, expires: new Date(0) });
}

/** Form fields are read before validation: route schemas strip unknown fields like `_csrf`. */
const formTokens = new WeakMap<Request, unknown>();

function wantsPage(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return !request.headers.get('hx-request') && accept.includes('text/html') && !accept.includes('application/json');
}

function loginUrl(next: string | undefined): string {
  return isLocalPath(next) && next !== '/login' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

interface Reply {
  request: Request;
  set: { headers: Record<string, string | number>; status?: number | string };
}

/** Pages get a 303 to the sign-in form (set here, the caller answers); htmx is told where to go; API clients get a 401. */
function redirectOrThrow({ request, set }: Reply): void {
  const url = new URL(request.url);
  if (request.headers.get('hx-request')) {
    const from = URL.parse(request.headers.get('hx-current-url') ?? '', url) ?? url;
    set.headers['hx-redirect'] = loginUrl(from.pathname + from.search);
  } else if (wantsPage(request)) {
    set.headers.location = loginUrl(request.method === 'GET' ? url.pathname + url.search : undefined);
    return;
  }
  throw new UnauthorizedError('Sign in first: your session is missing or has ended.');
}

function verifyCsrf(request: Request, auth: SignedIn): void {
  if (!isStateChanging(request.method)) return;
  const given = request.headers.get(CSRF_HEADER) ?? formTokens.get(request);
  if (!checkCsrf(auth.session, given)) throw new CsrfError();
}

export function authPlugin(deps: AuthPluginDeps) {
  const now = deps.now ?? (() => new Date());
  return new Elysia()
    .resolve({ as: 'scoped' }, async function resolveAuth({ cookie }): Promise<{ auth: SignedIn | null }> {
      const jar = cookie[SESSION_COOKIE];
      const token = jar?.value;
      if (typeof token !== 'string' || token === '') return { auth: null };
      const auth = await lookupSession(deps.db, token, now());
      // A dead cookie is dropped so the browser stops sending it.
      if (!auth) clearSessionCookie(jar, deps.secureCookies);
      return { auth };
    })
    .macro({
      requireUser: {
        transform: function stashFormToken({ body, request }) {
          if (body && typeof body === 'object' && CSRF_FIELD in body) formTokens.set(request, (body as Record<string, unknown>)[CSRF_FIELD]);
        },
        resolve: function requireUser({ auth, request, set, status }) {
          if (!auth) {
            redirectOrThrow({ request, set });
            return status(303, '');
          }
          verifyCsrf(request, auth);
          return { user: auth.user, session: auth.session };
        },
      },
      requireAdmin: {
        requireUser: true,
        resolve: function requireAdmin({ auth }) {
          if (auth?.user.role !== 'admin') throw new ForbiddenError('Only admins can open this page.');
        },
      },
    });
}

export type AuthPlugin = ReturnType<typeof authPlugin>;
