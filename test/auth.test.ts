/** @module test/auth.test — sign-in, sessions, throttling, CSRF and guards, on both drivers. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { Elysia } from 'elysia';
import { authPlugin } from '../server/auth/plugin';
import { deleteExpiredSessions, hashToken, lookupSession, SESSION_ABSOLUTE_MS } from '../server/auth/sessions';
import { createLoginThrottle } from '../server/auth/throttle';
import { insertUser, toPublicUser } from '../server/db/queries/users';
import { auditLog, sessions, users } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { authRoutes } from '../server/routes/auth';
import { translator } from '../views/i18n';
import { observability } from '../server/routes/observability';
import { setUserDisabled } from '../server/services/users';
import { drivers, testDatabase, type Driver } from './support/db';

const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
/** Real argon2id, cheap parameters: the default costs ~250 ms a check, and these tests check dozens. */
const CHEAP = { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 } as const;
const metrics = createMetrics();
// The shared PGlite starts here, at load time: its start-up (seconds on a busy machine) would otherwise eat the first test's budget.
await (await testDatabase('pglite')).close();
const logger = createLogger('silent');

async function setup(driver: Driver, publicUrl = 'http://localhost:3000') {
  const database = await testDatabase(driver);
  const db = database.db;
  const clock = { at: Date.parse('2030-03-01T09:00:00Z'), advance: (ms: number) => void (clock.at += ms) };
  const now = () => new Date(clock.at);
  const throttle = createLoginThrottle({ now: () => clock.at });
  const pages = new Elysia()
    .use(authPlugin({ db, secureCookies: false, now }))
    .get('/inbox', ({ user }) => `inbox of ${user.name}`, { requireUser: true })
    .post('/notes', ({ user }) => `noted by ${user.email}`, { requireUser: true });
  const timingHash = await Bun.password.hash('timing', CHEAP);
  const app = new Elysia()
    .use(observability({ logger, metrics }))
    .use(authRoutes({ db, publicUrl, trustProxy: true, throttle, now, timingHash }))
    .use(pages);
  const ana = toPublicUser(await insertUser(db, { email: 'ana@agency.co', name: 'Ana', role: 'recruiter', passwordHash: await Bun.password.hash(PASSWORD, CHEAP) }));
  const request = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));
  function login(email: string, password: string, extra: { ip?: string; next?: string; language?: string } = {}) {
    const body = new URLSearchParams({ email, password, ...(extra.next ? { next: extra.next } : {}) });
    const language: Record<string, string> = extra.language ? { 'accept-language': extra.language } : {};
    return request('/login', { method: 'POST', headers: { ...FORM, ...language, 'x-forwarded-for': extra.ip ?? '198.51.100.1' }, body });
  }
  async function signIn(email = 'ana@agency.co') {
    const response = await login(email, PASSWORD);
    expect(response.status).toBe(303);
    const token = /wasap_session=([^;]+)/.exec(response.headers.getSetCookie().join('\n'))?.[1] ?? '';
    const [row] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(token)));
    return { cookie: `wasap_session=${token}`, token, csrf: row!.csrfToken };
  }
  return { database, db, clock, now, app, ana, request, login, signIn, [Symbol.asyncDispose]: () => database.close() };
}

async function auditActions(db: Awaited<ReturnType<typeof setup>>['db']) {
  return (await db.select().from(auditLog).orderBy(auditLog.id)).map((row) => ({ action: row.action, actorUserId: row.actorUserId, details: row.details, ip: row.ip }));
}

describe.each(drivers)('auth on %s', (driver) => {
  test('signing in sets an HttpOnly SameSite=Lax cookie, stores only its hash, and opens pages', async () => {
    await using t = await setup(driver);
    const response = await t.login('  ANA@agency.co ', PASSWORD, { next: '/conversations/7?tab=notes' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/conversations/7?tab=notes');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('wasap_session='))!;
    expect(cookie).toMatch(/^wasap_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${SESSION_ABSOLUTE_MS / 1000}`);
    expect(cookie).not.toContain('Secure');
    const token = cookie.slice('wasap_session='.length, cookie.indexOf(';'));
    const rows = await t.db.select().from(sessions);
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const page = await t.request('/inbox', { headers: { cookie: `wasap_session=${token}` } });
    expect(await page.text()).toBe('inbox of Ana');
    expect(await auditActions(t.db)).toEqual([{ action: 'auth.signed_in', actorUserId: t.ana.id, details: null, ip: '198.51.100.1' }]);
  });

  test('the cookie is Secure when PUBLIC_URL is https', async () => {
    await using t = await setup(driver, 'https://wasap.agency.co');
    const response = await t.login('ana@agency.co', PASSWORD);
    expect(response.headers.getSetCookie().find((c) => c.startsWith('wasap_session='))).toContain('Secure');
  });

  test("the sign-in page speaks the browser's language: Spanish unless it asks for English, never both", async () => {
    await using t = await setup(driver);
    const spanish = await (await t.request('/login', { headers: { 'accept-language': 'es-CO,es;q=0.9' } })).text();
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain('Iniciar sesión');
    expect(spanish).not.toContain('Sign in');
    const english = await (await t.request('/login', { headers: { 'accept-language': 'en-GB,en;q=0.8' } })).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Sign in');
    expect(english).not.toContain('Iniciar sesión');
    const wrong = await t.login('ana@agency.co', 'not the password', { language: 'en' });
    expect(await wrong.text()).toContain('Email or password is wrong.');
    expect(await (await t.request('/login')).text()).toContain('Iniciar sesión');
  });

  test('a wrong password and an unknown email get the same answer; the password is never recorded', async () => {
    await using t = await setup(driver);
    const wrong = await t.login('ana@agency.co', 'not the password');
    const unknown = await t.login('nobody@agency.co', 'not the password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [wrongText, unknownText] = [await wrong.text(), await unknown.text()];
    expect(wrongText).toContain(Bun.escapeHTML(translator('es').t('login.wrongCredentials')));
    expect(wrongText.replace('ana@agency.co', 'X')).toBe(unknownText.replace('nobody@agency.co', 'X'));
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const failures = (await auditActions(t.db)).filter((a) => a.action === 'auth.sign_in_failed');
    expect(failures.map((f) => f.details)).toEqual([
      { email: 'ana@agency.co', reason: 'wrong_password' },
      { email: 'nobody@agency.co', reason: 'unknown_email' },
    ]);
    expect(JSON.stringify(await t.db.select().from(auditLog))).not.toContain('not the password');
  });

  test('five failures lock the account for 15 minutes, even with the right password', async () => {
    await using t = await setup(driver);
    for (let i = 0; i < 5; i++) expect((await t.login('ana@agency.co', `wrong ${i}`, { ip: `203.0.113.${i}` })).status).toBe(401);
    const locked = await t.login('ana@agency.co', PASSWORD, { ip: '203.0.113.99' });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(await locked.text()).toContain('Demasiados intentos fallidos; espera 15 minutos');
    const lockedInEnglish = await t.login('ana@agency.co', PASSWORD, { ip: '203.0.113.99', language: 'en-US,en;q=0.9' });
    expect(await lockedInEnglish.text()).toContain('Too many failed sign-ins; wait 15 minutes');
    t.clock.advance(15 * 60_000);
    expect((await t.login('ana@agency.co', PASSWORD)).status).toBe(303);
  });

  test('twenty failures from one address lock that address for every account', async () => {
    await using t = await setup(driver);
    for (let i = 0; i < 20; i++) await t.login(`guess${i}@agency.co`, 'whatever', { ip: '203.0.113.7' });
    const locked = await t.login('ana@agency.co', PASSWORD, { ip: '203.0.113.7' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.login('ana@agency.co', PASSWORD, { ip: '203.0.113.8' })).status).toBe(303);
  });

  test('a session ends after 12 idle hours; activity slides it, up to 7 days', async () => {
    await using t = await setup(driver);
    const idle = await t.signIn();
    t.clock.advance(12 * HOUR);
    const expired = await t.request('/inbox?x=1', { headers: { cookie: idle.cookie, accept: 'text/html' } });
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/login?next=%2Finbox%3Fx%3D1');
    const busy = await t.signIn();
    for (let hours = 11; hours < 7 * 24; hours += 11) {
      t.clock.advance(11 * HOUR);
      expect(await lookupSession(t.db, busy.token, t.now())).not.toBeNull();
    }
    t.clock.advance(11 * HOUR);
    expect(await lookupSession(t.db, busy.token, t.now())).toBeNull();
  });

  test('last_seen_at is written at most once a minute; a sweep removes expired rows', async () => {
    await using t = await setup(driver);
    const { token } = await t.signIn();
    const seen = async () => (await t.db.select().from(sessions))[0]!.lastSeenAt.getTime();
    const start = await seen();
    t.clock.advance(59_000);
    expect((await lookupSession(t.db, token, t.now()))?.user.email).toBe('ana@agency.co');
    expect(await seen()).toBe(start);
    t.clock.advance(1_000);
    await lookupSession(t.db, token, t.now());
    expect(await seen()).toBe(start + 60_000);
    expect(await deleteExpiredSessions(t.db, t.now())).toBe(0);
    t.clock.advance(12 * HOUR);
    expect(await deleteExpiredSessions(t.db, t.now())).toBe(1);
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  test("a disabled user's session stops working at once", async () => {
    await using t = await setup(driver);
    const { cookie, token } = await t.signIn();
    await setUserDisabled(t.db, { label: 'test' }, 'ana@agency.co', true);
    expect((await t.request('/inbox', { headers: { cookie } })).status).toBe(401);
    expect((await t.request('/inbox', { headers: { cookie, accept: 'text/html' } })).headers.get('location')).toBe('/login?next=%2Finbox');
    // Even a session row that survives (say, written concurrently) is refused while its user is disabled.
    await t.db.update(users).set({ disabled: false }).where(eq(users.id, t.ana.id));
    const fresh = await t.signIn();
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, t.ana.id));
    expect(await lookupSession(t.db, fresh.token, t.now())).toBeNull();
    expect(await lookupSession(t.db, token, t.now())).toBeNull();
  });

  test('a disabled user with the right password is told the account is disabled', async () => {
    await using t = await setup(driver);
    await setUserDisabled(t.db, { label: 'test' }, 'ana@agency.co', true);
    const response = await t.login('ana@agency.co', PASSWORD);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Esta cuenta está desactivada');
  });

  test('sign-out needs the CSRF token; with it the session and cookie are gone', async () => {
    await using t = await setup(driver);
    const { cookie, csrf } = await t.signIn();
    const refused = await t.request('/logout', { method: 'POST', headers: { ...FORM, cookie }, body: '' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('El formulario caducó o vino de otra página.');
    const forged = await t.request('/logout', { method: 'POST', headers: { ...FORM, cookie }, body: `_csrf=${csrf.slice(1)}x` });
    expect(forged.status).toBe(403);
    expect((await t.request('/inbox', { headers: { cookie } })).status).toBe(200);
    const out = await t.request('/logout', { method: 'POST', headers: { ...FORM, cookie }, body: `_csrf=${csrf}` });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login');
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('wasap_session='));
    expect(cleared).toMatch(/^wasap_session=;/);
    expect(cleared).toContain('Max-Age=0');
    expect(cleared).toContain('Path=/');
    expect(await t.db.select().from(sessions)).toEqual([]);
    expect((await auditActions(t.db)).at(-1)).toMatchObject({ action: 'auth.signed_out', actorUserId: t.ana.id });
  });

  test('CSRF is accepted from the X-CSRF-Token header (htmx) and required on every mutation', async () => {
    await using t = await setup(driver);
    const { cookie, csrf } = await t.signIn();
    const json = { cookie, 'content-type': 'application/json' };
    expect((await t.request('/notes', { method: 'POST', headers: json, body: '{}' })).status).toBe(403);
    const ok = await t.request('/notes', { method: 'POST', headers: { ...json, 'x-csrf-token': csrf }, body: '{}' });
    expect(await ok.text()).toBe('noted by ana@agency.co');
  });

  test('not signed in: pages redirect, htmx is told where to go, API clients get 401', async () => {
    await using t = await setup(driver);
    const page = await t.request('/inbox', { headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login?next=%2Finbox']);
    const htmx = await t.request('/inbox', { headers: { 'hx-request': 'true', 'hx-current-url': 'http://localhost/inbox?c=4' } });
    expect([htmx.status, htmx.headers.get('hx-redirect')]).toEqual([401, '/login?next=%2Finbox%3Fc%3D4']);
    const api = await t.request('/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const bogus = await t.request('/inbox', { headers: { cookie: 'wasap_session=nonsense' } });
    expect(bogus.status).toBe(401);
    // The dead cookie is cleared, on the path the browser stored it under.
    expect(bogus.headers.getSetCookie().find((c) => c.startsWith('wasap_session='))).toMatch(/^wasap_session=;.*Max-Age=0.*Path=\//);
  });

  test('next must be a local path: //evil.example and friends are refused', async () => {
    await using t = await setup(driver);
    const form = await (await t.request('/login?next=//evil.example')).text();
    expect(form).not.toContain('evil.example');
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example/x']) {
      const response = await t.login('ana@agency.co', PASSWORD, { next });
      expect(response.headers.get('location')).toBe('/inbox');
    }
    const kept = await (await t.request('/login?next=%2Fconversations%2F3')).text();
    expect(kept).toContain('name="next" value="/conversations/3"');
  });

  test('a sign-in form posted from another site is refused; a signed-in visit to /login moves on', async () => {
    await using t = await setup(driver);
    const body = new URLSearchParams({ email: 'ana@agency.co', password: PASSWORD });
    const crossSite = await t.request('/login', { method: 'POST', headers: { ...FORM, origin: 'https://evil.example' }, body });
    expect(crossSite.status).toBe(403);
    const sameSite = await t.request('/login', { method: 'POST', headers: { ...FORM, origin: 'http://localhost:3000' }, body });
    expect(sameSite.status).toBe(303);
    const { cookie } = await t.signIn();
    const again = await t.request('/login?next=/inbox%3Fc%3D2', { headers: { cookie } });
    expect([again.status, again.headers.get('location')]).toEqual([303, '/inbox?c=2']);
  });
});
