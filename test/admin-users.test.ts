/** @module test/admin-users.test — the admin pages: admins only, CSRF on every change, self-protection, escaping, audit. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { Elysia } from 'elysia';
import { authPlugin } from '../server/auth/plugin';
import { hashToken } from '../server/auth/sessions';
import { insertUser, toPublicUser, type Role } from '../server/db/queries/users';
import { auditLog, sessions, users } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { adminUsersRoutes } from '../server/routes/admin-users';
import { authRoutes } from '../server/routes/auth';
import { observability } from '../server/routes/observability';
import { setUserPreferences } from '../server/services/users';
import { drivers, testDatabase, type Driver } from './support/db';

/** Real argon2id, cheap parameters, for the users made here (the default costs ~250 ms a check). */
const CHEAP = { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 } as const;
const PASSWORD = 'correct horse battery';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const XSS_NAME = '<img src=x onerror=alert(1)>';
const metrics = createMetrics();
// The shared PGlite starts here, at load time: its start-up (seconds on a busy machine) would otherwise eat the first test's budget.
await (await testDatabase('pglite')).close();
const logger = createLogger('silent');

async function setup(driver: Driver) {
  const database = await testDatabase(driver);
  const db = database.db;
  const timingHash = await Bun.password.hash('timing', CHEAP);
  const inbox = new Elysia().use(authPlugin({ db, secureCookies: false })).get('/inbox', ({ user }) => `inbox of ${user.email}`, { requireUser: true });
  const app = new Elysia()
    .use(observability({ logger, metrics }))
    .use(authRoutes({ db, publicUrl: 'http://localhost:3000', timingHash }))
    .use(adminUsersRoutes({ db, secureCookies: false }))
    .use(inbox);
  const passwordHash = await Bun.password.hash(PASSWORD, CHEAP);
  const make = async (email: string, name: string, role: Role) => toPublicUser(await insertUser(db, { email, name, role, passwordHash }));
  const admin = await make('boss@agency.co', 'Boss', 'admin');
  const rita = await make('rita@agency.co', XSS_NAME, 'recruiter');
  const request = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));
  async function signIn(email: string, password = PASSWORD) {
    const response = await request('/login', { method: 'POST', headers: FORM, body: new URLSearchParams({ email, password }) });
    const token = /wasap_session=([^;]+)/.exec(response.headers.getSetCookie().join('\n'))?.[1];
    if (response.status !== 303 || !token) return undefined;
    const [row] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(token)));
    return { cookie: `wasap_session=${token}`, csrf: row!.csrfToken };
  }
  async function post(who: { cookie: string; csrf?: string }, path: string, fields: Record<string, string>) {
    const body = new URLSearchParams(who.csrf ? { ...fields, _csrf: who.csrf } : fields);
    return request(path, { method: 'POST', headers: { ...FORM, cookie: who.cookie }, body });
  }
  async function userRow(email: string) {
    const [row] = await db.select().from(users).where(eq(users.email, email));
    return row;
  }
  return { database, db, admin, rita, request, signIn, post, userRow, [Symbol.asyncDispose]: () => database.close() };
}

describe.each(drivers)('admin pages on %s', (driver) => {
  test('recruiters get 403 on /admin/*; strangers are sent to sign in', async () => {
    await using t = await setup(driver);
    const rita = (await t.signIn('rita@agency.co'))!;
    for (const path of ['/admin/users', '/admin/audit']) {
      expect((await t.request(path, { headers: { cookie: rita.cookie, accept: 'text/html' } })).status).toBe(403);
    }
    const create = await t.post(rita, '/admin/users', { email: 'x@agency.co', name: 'X', role: 'admin', password: 'long enough pw' });
    expect(create.status).toBe(403);
    expect(await t.userRow('x@agency.co')).toBeUndefined();
    const stranger = await t.request('/admin/users', { headers: { accept: 'text/html' } });
    expect([stranger.status, stranger.headers.get('location')]).toEqual([303, '/login?next=%2Fadmin%2Fusers']);
  });

  test("the audit log filters by person (email, name or label), action and day in the admin's zone, and pages through older entries", async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    // 105 entries on 30 Nov 2026 and 1 Dec 2026 (Bogotá), around midnight UTC.
    const at = (iso: string) => new Date(iso);
    await t.db.insert(auditLog).values([
      { actor: 'rita@agency.co', action: 'note.added', createdAt: at('2026-12-01T03:00:00Z') }, // 30 Nov, 22:00 in Bogotá
      { actor: 'rita@agency.co', action: 'conversation.assigned', createdAt: at('2026-12-01T06:00:00Z') }, // 1 Dec, 01:00
      ...Array.from({ length: 103 }, (_, i) => ({ actor: 'boss@agency.co', action: 'user.enabled', createdAt: at(`2026-12-01T1${i % 10}:00:00Z`) })),
    ]);
    const get = async (query: string) => (await t.request(`/admin/audit${query}`, { headers: { cookie: boss.cookie } })).text();
    const ids = (html: string) => [...html.matchAll(/<tr id="audit-(\d+)"/g)].map((m) => Number(m[1]));
    const byRita = await get('?actor=RITA');
    expect(ids(byRita)).toHaveLength(2);
    expect(byRita).not.toContain('<td>boss@agency.co</td>');
    const lateNovember = await get('?actor=rita&from=2026-11-30&to=2026-11-30');
    expect(ids(lateNovember)).toHaveLength(1);
    expect(lateNovember).toContain('Nota agregada');
    expect(ids(await get('?actor=rita&from=2026-12-01'))).toHaveLength(1);
    expect(ids(await get('?action=conversation.assigned'))).toHaveLength(1);
    expect(await get('?actor=nadie')).toContain('Ninguna entrada pasa estos filtros.');
    // By name too: an entry recorded under a label (the CLI) with her user id.
    await t.db.insert(auditLog).values({ actor: 'cli (local)', actorUserId: t.rita.id, action: 'note.added' });
    expect(ids(await get('?actor=onerror'))).toHaveLength(1);
    // Paged: 100 a page, newest first; the older link keeps the filters.
    const first = await get('?action=user.');
    expect(ids(first)).toHaveLength(100);
    const older = /href="(\/admin\/audit\?action=user\.&before=\d+)" rel="next"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await get(older!.replace('/admin/audit', ''));
    expect(ids(second).length).toBeGreaterThan(0);
    expect(second).not.toContain('rel="next"');
    expect(Math.max(...ids(second))).toBeLessThan(Math.min(...ids(first)));
    // A day that does not exist is refused at the edge, in a sentence, not the validator's pattern or a failed query.
    for (const day of ['2026-13-01', '2026-02-31', '0000-01-01']) {
      const bad = await t.request(`/admin/audit?from=${day}`, { headers: { cookie: boss.cookie, accept: 'text/html' } });
      expect(bad.status, day).toBe(400);
      expect(await bad.text()).toContain('Algún dato de la solicitud no es válido.');
    }
    // Days in a zone with summer time, by Intl's rules (Postgres would read CET as +01 all year): 22:30Z on
    // 30 June 2026 is 00:30 on 1 July in CET.
    await t.db.insert(auditLog).values({ actor: 'summer@agency.co', action: 'note.added', createdAt: at('2026-06-30T22:30:00Z') });
    await setUserPreferences(t.db, { label: 'test' }, 'boss@agency.co', { timeZone: 'CET' });
    expect(ids(await get('?actor=summer&from=2026-07-01&to=2026-07-01'))).toHaveLength(1);
    expect(ids(await get('?actor=summer&to=2026-06-30'))).toHaveLength(0);
  });

  test('an admin who reads English gets every admin page in English, with times in her zone; Spanish is the default', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const spanish = await (await t.request('/admin/users', { headers: { cookie: boss.cookie } })).text();
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain('Nuevo usuario');
    expect(spanish).not.toContain('New user');
    await setUserPreferences(t.db, { label: 'test' }, 'boss@agency.co', { locale: 'en', timeZone: 'Europe/Madrid' });
    const english = await (await t.request('/admin/users', { headers: { cookie: boss.cookie } })).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('New user');
    expect(english).not.toContain('Nuevo usuario');
    const audit = await (await t.request('/admin/audit', { headers: { cookie: boss.cookie } })).text();
    expect(audit).toContain('When (Europe/Madrid)');
    expect(audit).toContain('<td>Language or time zone changed</td>');
    expect(audit).toContain('<dt>Language</dt><dd>English</dd>');
  });

  test('the users page lists everyone and escapes names', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const response = await t.request('/admin/users', { headers: { cookie: boss.cookie } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('rita@agency.co');
    // A notice name that is Object's own property shows no notice (it used to print the constructor's source).
    const odd = await (await t.request('/admin/users?done=constructor&email=x', { headers: { cookie: boss.cookie } })).text();
    expect(odd).not.toContain('native code');
    expect(html).toContain(`name="_csrf" value="${boss.csrf}"`);
  });

  test('creating a user needs the CSRF token; with it the user exists and the change is audited', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const fields = { email: 'New@Agency.co', name: 'Nora', role: 'recruiter', password: 'a long password' };
    const refused = await t.post({ cookie: boss.cookie }, '/admin/users', fields);
    expect(refused.status).toBe(403);
    expect(await t.userRow('new@agency.co')).toBeUndefined();
    const created = await t.post(boss, '/admin/users', fields);
    expect([created.status, created.headers.get('location')]).toEqual([303, '/admin/users?done=created&email=New%40Agency.co']);
    expect(await t.userRow('new@agency.co')).toMatchObject({ name: 'Nora', role: 'recruiter', disabled: false });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.created'));
    expect(entry).toMatchObject({ actor: 'boss@agency.co', actorUserId: t.admin.id });
    expect(await t.signIn('new@agency.co', 'a long password')).toBeDefined();
  });

  test("a refused change re-renders the page with the reason in the admin's language and keeps what was typed", async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const short = await t.post(boss, '/admin/users', { email: 'n@agency.co', name: 'Nora', role: 'recruiter', password: 'short' });
    expect(short.status).toBe(422);
    const html = await short.text();
    expect(html).toContain('La contraseña necesita entre 10 y 1024 caracteres.');
    expect(html).not.toContain('The password');
    expect(html).toContain('value="Nora"');
    // Under the field it is about, and tied to it for a screen reader.
    expect(html).toContain('required aria-invalid="true" aria-describedby="new-user-password-error"/><p class="admin-field-error" id="new-user-password-error" role="alert">La contraseña');
    const duplicate = await t.post(boss, '/admin/users', { email: 'rita@agency.co', name: 'R', role: 'recruiter', password: 'long enough pw' });
    expect(duplicate.status).toBe(409);
    const duplicateHtml = await duplicate.text();
    expect(duplicateHtml).toContain('Ya existe un usuario con el correo rita@agency.co.');
    expect(duplicateHtml).toContain('aria-describedby="new-user-email-error"');
    expect(await (await t.post(boss, '/admin/users', { email: 'nope', name: 'N', role: 'recruiter', password: 'long enough pw' })).text()).toContain('Esa dirección de correo no es válida.');
    // A refusal of a row's action is not about the create form: it is shown above the table, the form left clean.
    const ghost = await (await t.post(boss, '/admin/users/enable', { email: 'ghost@agency.co' })).text();
    expect(ghost).toContain('<p class="admin-alert" role="alert">No hay ningún usuario con el correo ghost@agency.co.</p>');
    expect(ghost).not.toContain('aria-invalid');
    await setUserPreferences(t.db, { label: 'test' }, 'boss@agency.co', { locale: 'en' });
    expect(await (await t.post(boss, '/admin/users', { email: 'n@agency.co', name: 'Nora', role: 'recruiter', password: 'short' })).text()).toContain('The password needs 10 to 1024 characters.');
  });

  test('disabling is asked for first: the users page links to a question that says what it does, and only its confirmation acts', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const rita = (await t.signIn('rita@agency.co'))!;
    const list = await (await t.request('/admin/users', { headers: { cookie: boss.cookie } })).text();
    expect(list).toContain('<form method="get" action="/admin/users/disable"');
    expect(list).not.toContain('<form method="post" action="/admin/users/disable"');
    const question = await t.request('/admin/users/disable?email=rita%40agency.co', { headers: { cookie: boss.cookie } });
    expect(question.status).toBe(200);
    const html = await question.text();
    expect(html).toContain('(rita@agency.co)?');
    expect(html).toContain('Sus sesiones se cerrarán');
    expect(html).toContain('<form method="post" action="/admin/users/disable"');
    // Her name is markup: it is shown as text.
    expect(html).not.toContain(XSS_NAME);
    expect(html).toContain(Bun.escapeHTML(XSS_NAME));
    expect(await t.userRow('rita@agency.co')).toMatchObject({ disabled: false });
    expect((await t.request('/admin/users/disable?email=ghost%40agency.co', { headers: { cookie: boss.cookie } })).status).toBe(404);
    expect((await t.request('/admin/users/disable?email=boss%40agency.co', { headers: { cookie: boss.cookie } })).status).toBe(409);
    expect((await t.request('/admin/users/disable?email=boss%40agency.co', { headers: { cookie: rita.cookie } })).status).toBe(403);
    expect((await t.post(boss, '/admin/users/disable', { email: 'rita@agency.co' })).status).toBe(303);
    expect(await t.userRow('rita@agency.co')).toMatchObject({ disabled: true });
  });

  test('disabling signs the user out at once; enabling lets them back in', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const rita = (await t.signIn('rita@agency.co'))!;
    expect((await t.request('/inbox', { headers: { cookie: rita.cookie } })).status).toBe(200);
    expect((await t.post(boss, '/admin/users/disable', { email: 'rita@agency.co' })).status).toBe(303);
    expect((await t.request('/inbox', { headers: { cookie: rita.cookie } })).status).toBe(401);
    expect(await t.signIn('rita@agency.co')).toBeUndefined();
    expect((await t.post(boss, '/admin/users/enable', { email: 'rita@agency.co' })).status).toBe(303);
    expect(await t.signIn('rita@agency.co')).toBeDefined();
    const actions = (await t.db.select().from(auditLog).orderBy(auditLog.id)).map((a) => a.action).filter((a) => a.startsWith('user.'));
    expect(actions).toEqual(['user.disabled', 'user.enabled']);
  });

  test('an admin cannot disable or demote themself', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const disable = await t.post(boss, '/admin/users/disable', { email: 'BOSS@agency.co' });
    expect(disable.status).toBe(409);
    expect(await disable.text()).toContain('No puedes desactivar tu propia cuenta');
    const demote = await t.post(boss, '/admin/users/role', { email: 'boss@agency.co', role: 'recruiter' });
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('No puedes quitarte el rol de administrador');
    expect(await t.userRow('boss@agency.co')).toMatchObject({ role: 'admin', disabled: false });
  });

  test('resetting a password signs the user out; the new one works and the old one does not', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const rita = (await t.signIn('rita@agency.co'))!;
    expect((await t.post(boss, '/admin/users/password', { email: 'rita@agency.co', password: 'brand new secret' })).status).toBe(303);
    expect((await t.request('/inbox', { headers: { cookie: rita.cookie } })).status).toBe(401);
    expect(await t.signIn('rita@agency.co')).toBeUndefined();
    expect(await t.signIn('rita@agency.co', 'brand new secret')).toBeDefined();
  });

  test('promoting a recruiter opens the admin pages to them, and is audited with from and to', async () => {
    await using t = await setup(driver);
    const boss = (await t.signIn('boss@agency.co'))!;
    const rita = (await t.signIn('rita@agency.co'))!;
    expect((await t.post(boss, '/admin/users/role', { email: 'rita@agency.co', role: 'owner' })).status).toBe(422);
    expect((await t.post(boss, '/admin/users/role', { email: 'rita@agency.co', role: 'admin' })).status).toBe(303);
    expect((await t.request('/admin/users', { headers: { cookie: rita.cookie } })).status).toBe(200);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.role_changed'));
    expect(entry).toMatchObject({ actorUserId: t.admin.id, targetId: String(t.rita.id), details: { email: 'rita@agency.co', from: 'recruiter', to: 'admin' } });
  });

  test("the audit page shows the latest entries with readable labels in the admin's language and zone, filters by action, and escapes details", async () => {
    await using t = await setup(driver);
    await t.request('/login', { method: 'POST', headers: FORM, body: new URLSearchParams({ email: '<script>alert(1)</script>', password: 'x' }) });
    const boss = (await t.signIn('boss@agency.co'))!;
    await t.post(boss, '/admin/users/disable', { email: 'rita@agency.co' });
    const all = await (await t.request('/admin/audit', { headers: { cookie: boss.cookie } })).text();
    expect(all).not.toContain('<script>alert(1)</script>');
    expect(all).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Each row: the action's label, never its code; details as fields and values in her words; times in the admin's
    // zone (Colombia's by default).
    expect(all).toContain('<td>Inició sesión</td>');
    expect(all).toContain('<td>Usuario desactivado</td>');
    expect(all).toContain('<dt>Motivo</dt><dd>correo desconocido</dd>');
    expect(all).not.toContain('unknown_email');
    // Who: a failed sign-in has no one signed in, said so in her words; the first page does not link to itself.
    expect(all).toContain('<td>Sin sesión</td>');
    expect(all).not.toContain('class="newest"');
    expect(all).toContain('Cuándo (America/Bogota)');
    const auth = await (await t.request('/admin/audit?action=auth.', { headers: { cookie: boss.cookie } })).text();
    expect(auth).toContain('<td>Intento de inicio de sesión fallido</td>');
    expect(auth).not.toContain('<td>Usuario desactivado</td>');
    const wildcard = await (await t.request('/admin/audit?action=%25', { headers: { cookie: boss.cookie } })).text();
    expect(wildcard).not.toContain('<td>Inició sesión</td>');
  });
});
