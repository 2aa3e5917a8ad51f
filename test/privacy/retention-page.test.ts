/**
 * @module test/privacy/retention-page.test — /admin/privacy/retention through app.handle: admins only; the settings,
 * who is due (masked), the last runs; "run now" needs the CSRF token and the typed word, is refused while
 * RETENTION_ENABLED is off or while another is under way, and erases exactly who is due, recorded as the admin's
 * `retention.ran`.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import type { Db } from '../../server/db/client';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { auditLog } from '../../server/db/schema';
import { testApp, type TestApp } from '../support/app';
import { drivers } from '../support/db';
import { NOW, recordingErase, remaining, retentionWorld } from './retention-world';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function person(t: TestApp, name: string, role: 'admin' | 'recruiter', locale: 'es' | 'en' = 'en') {
  const user = toPublicUser(await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x', locale }));
  // Signed in now: the session is checked against the real clock (the retention clock is the one moved to NOW).
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

async function pageApp(driver: (typeof drivers)[number], enabled: boolean, gate?: Promise<void>) {
  let db: Db | undefined;
  const recording = recordingErase(() => db!);
  const { erased } = recording;
  const entered = Promise.withResolvers<void>();
  const erase = async (id: number) => {
    entered.resolve();
    await gate;
    await recording.erase(id);
  };
  const t = await testApp(driver, { env: { RETENTION_ENABLED: String(enabled) }, overrides: { now: () => NOW.getTime(), retentionErase: erase, retentionPollMs: 0 } });
  db = t.database.db;
  const world = await retentionWorld(db);
  const boss = await person(t, 'Boss', 'admin');
  const rita = await person(t, 'Rita', 'recruiter');
  const get = (who: { cookie: string }, path = '/admin/privacy/retention') => t.request(path, { headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: { cookie: string; csrf?: string }, fields: Record<string, string>) =>
    t.request('/admin/privacy/retention/run', {
      method: 'POST',
      headers: { ...FORM, cookie: who.cookie, accept: 'text/html' },
      body: new URLSearchParams(who.csrf ? { ...fields, _csrf: who.csrf } : fields),
    });
  return { t, db, world, boss, rita, erased, get, post, entered: entered.promise };
}

describe.each(drivers)('/admin/privacy/retention on %s', (driver) => {
  test('admins see the periods, who is due (masked) and the last runs; run now needs CSRF and the word, then erases exactly who is due', async () => {
    const { t, db, world, boss, rita, erased, get, post } = await pageApp(driver, true);
    await using _ = t;
    expect((await get(rita)).status).toBe(403);
    const page = await (await get(boss)).text();
    expect(page).toContain('aria-current="page">Retention</a>');
    expect(page).toContain('6 months');
    expect(page).toContain('The daily run erases what is due');
    expect(page).toContain('2 aspirants are due.');
    expect(page).toContain(`id="due-${world.closedLongAgo}"`);
    expect(page).toContain(`id="due-${world.silentSince2020}"`);
    expect(page).not.toContain(`id="due-${world.recent}"`);
    expect(page).toContain('+57••••••••01');
    expect(page).not.toContain('+573001110001');
    expect(page).toContain('No runs yet.');

    expect((await post(rita, { confirm: 'ERASE' })).status).toBe(403);
    expect((await post({ cookie: boss.cookie }, { confirm: 'ERASE' })).status).toBe(403);
    const wrong = await post(boss, { confirm: 'erase it' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('To confirm, type ERASE exactly.');
    expect(erased).toEqual([]);

    const run = await post(boss, { confirm: ' erase ' });
    expect(run.status).toBe(303);
    expect(run.headers.get('location')).toBe('/admin/privacy/retention?done=2&failed=0');
    expect(erased.slice().sort((a, b) => a - b)).toEqual([world.closedLongAgo, world.silentSince2020].sort((a, b) => a - b));
    expect(await remaining(db)).toEqual([world.recent]);
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'retention.ran'));
    expect(entry).toMatchObject({ actor: 'boss@agency.co', actorUserId: boss.id, targetId: 'manual' });
    const after = await (await get(boss, '/admin/privacy/retention?done=2&failed=0')).text();
    expect(after).toContain('Done: 2 aspirants erased.');
    expect(after).toContain('No one is due today.');
    expect(after).toContain('boss@agency.co');
    expect(after).not.toContain('name="confirm"');
  });

  test('while RETENTION_ENABLED is off the dry run shows and run now is refused with the reason, erasing nothing', async () => {
    const { t, db, boss, erased, get, post } = await pageApp(driver, false);
    await using _ = t;
    const before = await remaining(db);
    const page = await (await get(boss)).text();
    expect(page).toContain('2 aspirants are due.');
    expect(page).toContain('Retention is off (RETENTION_ENABLED=false)');
    expect(page).not.toContain('name="confirm"');
    const refused = await post(boss, { confirm: 'ERASE' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Retention is off (RETENTION_ENABLED=false)');
    expect(erased).toEqual([]);
    expect(await remaining(db)).toEqual(before);
    expect(await db.select().from(auditLog).where(eq(auditLog.action, 'retention.ran'))).toEqual([]);
  });

  test('a second run now while one is under way is refused, and the first one finishes', async () => {
    const gate = Promise.withResolvers<void>();
    const { t, boss, erased, post, entered } = await pageApp(driver, true, gate.promise);
    await using _ = t;
    const first = post(boss, { confirm: 'ERASE' });
    await entered;
    const second = await post(boss, { confirm: 'ERASE' });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('A manual run is already under way');
    gate.resolve();
    expect((await first).headers.get('location')).toBe('/admin/privacy/retention?done=2&failed=0');
    expect(erased).toHaveLength(2);
  });
});
