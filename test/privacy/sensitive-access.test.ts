/**
 * @module test/privacy/sensitive-access.test — her sensitive answers (children, measurements) reach only admins and
 * users with sensitive access, loaded per reader, never in the panel that is pushed to everyone; an admin turns the
 * access on and off on /admin/users (audited, effective at the reader's next request), through the admin API and with
 * `wasap user sensitive`.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { aspirantPanel } from '../../server/db/queries/chat';
import { findUserByEmail } from '../../server/db/queries/users';
import { aspirants, auditLog, conversations } from '../../server/db/schema';
import { createApiToken } from '../../server/services/api-tokens';
import { translator } from '../../views/i18n';
import { AspirantPanelPush } from '../../views/inbox/aspirant-panel';
import { inbound } from '../support/bot';
import { wasap } from '../support/cli';
import { testApp } from '../support/app';
import { drivers } from '../support/db';
import { tempDir } from '../support/temp';
import { get, person, post } from './support';

describe.each(drivers)('sensitive answers on %s', (driver) => {
  test('shown per reader to admins and users with access; never in the pushed panel; the admin page turns access on and off at once', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const { db } = t.database;
    const rita = await person(t, 'Rita', 'recruiter');
    const boss = await person(t, 'Boss', 'admin');
    const key = '+573007770001';
    await t.services.conversations.acceptInbound(inbound(key, 'hola'));
    await t.services.conversations.registry.ask(key, () => null);
    const [c] = await db.select({ id: conversations.id, aspirantId: conversations.aspirantId }).from(conversations);
    await db
      .update(aspirants)
      .set({ firstName: 'Vale', formSubmittedAt: new Date(), hasKids: true, measurements: { heightCm: 172, waistCm: 61 } })
      .where(eq(aspirants.id, c!.aspirantId));

    // The panel every reader is pushed: a placeholder, no answer.
    const view = await aspirantPanel(db, c!.id);
    expect(view!.profile).not.toHaveProperty('hasKids');
    const pushed = await AspirantPanelPush({ view: view!, i18n: translator('en') });
    expect(pushed).toContain(`id="sensitive-${c!.id}" hx-get="/privacy/conversations/${c!.id}/sensitive"`);
    expect(pushed).not.toMatch(/Has kids|172 cm/);
    const page = await (await get(t, rita, `/inbox/${c!.id}`)).text();
    expect(page).not.toMatch(/Has kids|172 cm/);

    const path = `/privacy/conversations/${c!.id}/sensitive`;
    const forRita = await get(t, rita, path);
    expect(forRita.status).toBe(200);
    expect(await forRita.text()).toBe('');
    const forBoss = await (await get(t, boss, path)).text();
    expect(forBoss).toContain('<dt>Has kids</dt><dd>Yes</dd>');
    expect(forBoss).toContain('<dt>Height</dt><dd>172 cm</dd>');
    expect(forBoss).toContain('<dt>Bust</dt><dd>Not answered</dd>');

    // The admin gives Rita access: her very next request sees the answers (same session), and it is audited.
    const users = await (await get(t, boss, '/admin/users')).text();
    expect(users).toContain('action="/admin/users/sensitive"');
    expect((await post(t, rita, '/admin/users/sensitive', { email: rita.email, access: 'on' })).status).toBe(403);
    expect((await post(t, boss, '/admin/users/sensitive', { email: rita.email, access: 'on' }, false)).status).toBe(403);
    const on = await post(t, boss, '/admin/users/sensitive', { email: rita.email, access: 'on' });
    expect(on.status).toBe(303);
    expect(await (await get(t, boss, on.headers.get('location')!)).text()).toContain('rita@agency.co can now see sensitive data.');
    expect(await (await get(t, rita, path)).text()).toContain('<dd>172 cm</dd>');
    expect((await post(t, boss, '/admin/users/sensitive', { email: rita.email, access: 'off' })).status).toBe(303);
    expect(await (await get(t, rita, path)).text()).toBe('');
    expect((await post(t, boss, '/admin/users/sensitive', { email: 'nadie@agency.co', access: 'on' })).status).toBe(404);
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'user.sensitive_access_changed'));
    expect(audit.map((a) => ({ actor: a.actor, targetId: a.targetId, details: a.details }))).toEqual([
      { actor: 'boss@agency.co', targetId: String(rita.id), details: { from: false, to: true } },
      { actor: 'boss@agency.co', targetId: String(rita.id), details: { from: true, to: false } },
    ]);

    // Through the admin API (what `wasap user sensitive` calls while a server holds the database).
    const { token } = await createApiToken(db, 'laptop', 'test');
    const api = await t.request('/api/admin/users/sensitive', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: rita.email, access: true }),
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ email: rita.email, sensitiveAccess: true });
    expect((await findUserByEmail(db, rita.email))!.sensitiveAccess).toBe(true);
    const refused = await t.request('/api/admin/users/sensitive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: rita.email, access: false }) });
    expect(refused.status).toBe(401);
  });
});

test('wasap user sensitive EMAIL on|off on the database', async () => {
  using data = tempDir();
  const env = { WASAP_DATA_DIR: data.path };
  expect((await wasap(['migrate'], env)).code).toBe(0);
  expect((await wasap(['user', 'add', '--email', 'lina@agency.co', '--name', 'Lina'], env, 'una clave muy larga\n')).code).toBe(0);
  expect(await wasap(['user', 'sensitive', 'lina@agency.co', 'on'], env)).toEqual({ code: 0, out: 'lina@agency.co may now see sensitive answers\n', err: '' });
  expect(await wasap(['user', 'sensitive', 'lina@agency.co', 'off'], env)).toEqual({ code: 0, out: 'lina@agency.co may no longer see sensitive answers\n', err: '' });
  expect((await wasap(['user', 'sensitive', 'lina@agency.co', 'maybe'], env)).code).toBe(2);
  expect((await wasap(['user', 'sensitive', 'nadie@agency.co', 'on'], env)).code).toBe(1);
});
