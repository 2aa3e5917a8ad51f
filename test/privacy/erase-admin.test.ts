/**
 * @module test/privacy/erase-admin.test — the doors to an erasure: the admin page wants her id or number typed again
 * (and CSRF, and an admin); `wasap aspirant erase` asks the same, refuses without a terminal unless --yes, and says
 * when there is no such person; replay of an erased conversation is refused (410) through the API and the CLI; the
 * retention job erases through the real eraseAspirant by default.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { run } from '../../cli/main';
import type { AskingIO } from '../../cli/aspirant';
import { createSession } from '../../server/auth/sessions';
import { retentionConfig } from '../../server/config-retention';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { aspirants, auditLog, conversations, erasedSubjects } from '../../server/db/schema';
import { createLogger } from '../../server/logger';
import { runRetention } from '../../server/privacy/retention-run';
import { createApiToken } from '../../server/services/api-tokens';
import { testApp, type TestApp } from '../support/app';
import { drivers } from '../support/db';
import { aspirantWhoWrote } from '../support/form';
import { listen } from '../support/listen';
import { tempDir } from '../support/temp';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

async function person(t: TestApp, name: string, role: 'admin' | 'recruiter') {
  const user = toPublicUser(await insertUser(t.database.db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x', locale: 'en' }));
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

const exists = async (t: TestApp, id: number) => (await t.database.db.select({ id: aspirants.id }).from(aspirants).where(eq(aspirants.id, id))).length === 1;

/** `wasap` in-process with `answer` typed at its question (null: no terminal). */
async function cli(argv: string[], env: Record<string, string>, answer: string | null = null) {
  let out = '';
  let err = '';
  const asked: string[] = [];
  const io: AskingIO = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    env: { LOG_LEVEL: 'silent', ...env },
    readSecret: async () => '',
    ask: async (prompt) => (asked.push(prompt), answer),
  };
  return { code: await run(argv, io), out, err, asked };
}

describe.each(drivers)('erasure doors on %s', (driver) => {
  test('the admin page: admins only, CSRF, and her id or number typed again; then it says what was deleted, naming no one', async () => {
    await using t = await testApp(driver);
    const boss = await person(t, 'Boss', 'admin');
    const rita = await person(t, 'Rita', 'recruiter');
    const her = await aspirantWhoWrote(t, '+573012223344', 'Marisol Pineda');
    const path = `/admin/privacy/aspirants/${her.id}`;
    const post = (who: typeof boss, confirm: string, csrf = who.csrf) =>
      t.request(`${path}/erase`, { method: 'POST', headers: { ...FORM, cookie: who.cookie }, body: new URLSearchParams({ confirm, _csrf: csrf }) });
    const page = await (await t.request(path, { headers: { cookie: boss.cookie, accept: 'text/html' } })).text();
    expect(page).toContain('Marisol Pineda');
    expect(page).toContain('name="confirm"');
    expect((await post(rita, String(her.id))).status).toBe(403);
    expect((await post(boss, String(her.id), 'forged')).status).toBe(403);
    const wrong = await post(boss, '+573012223345');
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('What you typed is not her id or number: nothing was erased.');
    expect(await exists(t, her.id)).toBe(true);
    const done = await post(boss, '301 222 3344');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${path}?done=erased`);
    expect(await exists(t, her.id)).toBe(false);
    const after = await (await t.request(`${path}?done=erased`, { headers: { cookie: boss.cookie, accept: 'text/html' } })).text();
    expect(after).toContain('Done: her data was erased.');
    expect(after).toContain('by boss@agency.co');
    expect(after).toMatch(/Messages<\/dt><dd>\d+<\/dd>/);
    expect(after).not.toMatch(/Marisol|Pineda|3012223344/);
    expect((await t.request('/admin/privacy/aspirants/999999', { headers: { cookie: boss.cookie, accept: 'text/html' } })).status).toBe(404);
  });

  test('wasap aspirant show/erase: asks for her id or number, refuses without a terminal unless --yes; replay of her conversation is refused', async () => {
    await using t = await testApp(driver);
    await using server = listen(t);
    using dir = tempDir('wasap-erase-cli-');
    const { token } = await createApiToken(t.database.db, 'laptop', 'test');
    const env = { WASAP_URL: server.url, WASAP_API_TOKEN: token, WASAP_DATA_DIR: dir.path };
    const ana = await aspirantWhoWrote(t, '+573013334455', 'Ana Lucía');
    const bea = await aspirantWhoWrote(t, '+573014445566', 'Bea Torres');
    const [anaConversation] = await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, ana.id));

    const show = await cli(['aspirant', 'show', '+573013334455'], env);
    expect(show.err).toBe('');
    expect(show.code).toBe(0);
    expect(show.out).toContain('Ana Lucía');
    expect(show.out).toMatch(/messages\s+\d+/);
    // No terminal: refused, nothing asked of anyone, nothing erased.
    const noTty = await cli(['aspirant', 'erase', String(ana.id)], env, null);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toContain('refusing to erase without confirmation');
    expect(noTty.err).toContain('--yes');
    // The wrong answer: not erased.
    const wrong = await cli(['aspirant', 'erase', String(ana.id)], env, String(bea.id));
    expect(wrong.code).toBe(1);
    expect(wrong.asked[0]).toContain(`Type her id (${ana.id}) or her phone`);
    expect(wrong.err).toContain('not erased');
    expect(await exists(t, ana.id)).toBe(true);
    // Her number typed back: erased, and the report counts what went.
    const typed = await cli(['aspirant', 'erase', String(ana.id)], env, '+57 301 333 4455');
    expect(typed.code).toBe(0);
    expect(typed.out).toMatch(new RegExp(`^erased aspirant ${ana.id}: 1 conversations, \\d+ messages`));
    expect(await exists(t, ana.id)).toBe(false);
    // --yes for scripts, by number; unknown and erased people are clear errors.
    const yes = await cli(['aspirant', 'erase', '3014445566', '--yes', '--json'], env);
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.out)).toMatchObject({ aspirantId: bea.id, complete: true });
    const unknown = await cli(['aspirant', 'erase', '+573019990000', '--yes'], env);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.err).toContain('An aspirant with that number does not exist');
    const again = await cli(['aspirant', 'show', String(ana.id)], env);
    expect(again.err).toContain(`Aspirant ${ana.id} was erased on`);
    expect((await cli(['aspirant', 'show', 'nobody'], env)).code).toBe(2);
    // Replay: her conversation is gone, said so.
    const replay = await cli(['replay', String(anaConversation!.id)], env);
    expect(replay.code).toBe(1);
    expect(replay.err).toContain(`Conversation ${anaConversation!.id} was erased`);
    // The audit names the token, and no one.
    const entries = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'aspirant.erased'));
    expect(entries.map((e) => [e.actor, e.targetId])).toEqual([
      ['token:laptop', String(ana.id)],
      ['token:laptop', String(bea.id)],
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/Ana|Bea|Torres|301333|301444/);
  });

  test('retention erases through eraseAspirant by default: her rows go, her opt-out is remembered, the entry says retention', async () => {
    await using t = await testApp(driver);
    const old = await aspirantWhoWrote(t, '+573015556677', 'Olga Vieja');
    await t.database.db
      .update(conversations)
      .set({ status: 'closed', lastMessageAt: new Date('2020-01-01T00:00:00Z') })
      .where(eq(conversations.aspirantId, old.id));
    const settings = retentionConfig({ RETENTION_CLOSED_NO_HANDOFF: '6mo' });
    const { report } = await runRetention(
      { db: t.database.db, logger: createLogger('silent'), settings, erase: t.services.retention.erase },
      { now: new Date(), dryRun: false, trigger: 'manual', actor: 'cli' },
    );
    expect(report.erasedIds).toEqual([old.id]);
    expect(await exists(t, old.id)).toBe(false);
    expect(await t.database.db.select().from(erasedSubjects)).toHaveLength(1);
    const [entry] = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'aspirant.erased'));
    expect(entry).toMatchObject({ actor: 'retention', targetId: String(old.id), details: expect.objectContaining({ reason: 'retention' }) });
  });
});
