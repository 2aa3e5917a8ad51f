/** @module test/templates-cli.test — `wasap templates sync|list` through the running server's admin API, against the fake Twilio. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { auditLog } from '../server/db/schema';
import { createApiToken } from '../server/services/api-tokens';
import { testApp } from './support/app';
import { wasap } from './support/cli';
import { startFakeTwilio } from './support/fake-twilio';
import { textContent } from './support/fake-twilio-content';
import { listen } from './support/listen';
import { tempDir } from './support/temp';
import { twilioEnv } from './support/twilio-env';

describe('wasap templates', () => {
  test('sync and list through the server: counts, the table, JSON, a withdrawn one, a provider that fails', async () => {
    await using fake = startFakeTwilio();
    const follow = textContent({ name: 'Seguimiento', body: 'Hola {{1}}, ¿seguimos?' });
    const promo = textContent({ name: 'Promoción', body: 'Nueva campaña', status: 'pending', category: 'MARKETING' });
    fake.contents.push(follow, promo);
    // Not started: no sync at start, so the command's counts are the first.
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false }, noStart: true });
    await using server = listen(t);
    const { token } = await createApiToken(t.database.db, 'laptop', 'test');
    const env = { WASAP_URL: server.url, WASAP_API_TOKEN: token };

    expect(await wasap(['templates', 'list'], env)).toEqual({ code: 0, out: 'no templates stored for twilio (add --all for withdrawn ones and other providers)\n', err: '' });
    expect(await wasap(['templates', 'sync'], env)).toEqual({ code: 0, out: 'synced twilio: 2 listed (2 added, 0 updated, 0 withdrawn)\n', err: '' });
    const table = await wasap(['templates', 'list'], env);
    expect(table.code).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROVIDER +REF +NAME +LANGUAGE +CATEGORY +STATUS +VARIABLES +OFFERED +SYNCED$/);
    expect(lines.slice(2).map((line) => line.split(/ {2,}/).slice(0, 8))).toEqual([
      ['twilio', promo.sid, 'Promoción', 'es', 'marketing', 'pending', '-', 'no'],
      ['twilio', follow.sid, 'Seguimiento', 'es', 'utility', 'approved', '1', 'yes'],
    ]);
    const json = JSON.parse((await wasap(['templates', 'list', '--json'], env)).out) as { provider: string; templates: { ref: string; listed: boolean }[]; offered: unknown[] };
    expect(json.provider).toBe('twilio');
    expect(json.templates.map((row) => [row.ref, row.listed])).toEqual([
      [promo.sid, true],
      [follow.sid, true],
    ]);
    expect(json.offered).toEqual([{ ref: follow.sid, name: 'Seguimiento', source: 'provider' }]);

    // Deleted at Twilio: withdrawn, shown only with --all.
    fake.contents.splice(fake.contents.indexOf(promo), 1);
    expect((await wasap(['templates', 'sync'], env)).out).toBe('synced twilio: 1 listed (0 added, 0 updated, 1 withdrawn)\n');
    expect((await wasap(['templates', 'list'], env)).out).not.toContain('Promoción');
    expect((await wasap(['templates', 'list', '--all'], env)).out).toContain('withdrawn (pending)');

    // Twilio down: exit 1 and why; the stored templates stay.
    fake.respondToContentWith(() => 503);
    const failed = await wasap(['templates', 'sync'], env);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('sync: twilio did not list its templates (');
    expect(failed.err).toContain('the templates stored before are kept');
    expect((await wasap(['templates', 'list'], env)).out).toContain('Seguimiento');

    // Audited under the token's name; the API wants a credential.
    const audited = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'templates.synced'));
    expect(audited.map((a) => a.actor)).toEqual(['token:laptop', 'token:laptop']);
    expect((await fetch(`${server.url}/api/admin/templates/sync`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${server.url}/api/admin/templates`)).status).toBe(401);
  });

  test('with the simulator: nothing to sync, and the TWILIO_TEMPLATES fallback is named', async () => {
    const fallback = { sid: `HX${'c'.repeat(32)}`, name: 'Respaldo', preview: 'Hola {{1}}' };
    await using t = await testApp('pglite', { env: { TWILIO_TEMPLATES: JSON.stringify([fallback]) }, overrides: { bot: false }, noStart: true });
    await using server = listen(t);
    const { token } = await createApiToken(t.database.db, 'laptop', 'test');
    const env = { WASAP_URL: server.url, WASAP_API_TOKEN: token };
    expect(await wasap(['templates', 'sync'], env)).toEqual({ code: 0, out: 'simulator lists no templates here: the composer offers TWILIO_TEMPLATES\n', err: '' });
    expect((await wasap(['templates', 'list'], env)).out).toBe(
      `no templates stored for simulator (add --all for withdrawn ones and other providers)\nthe composer offers TWILIO_TEMPLATES while simulator lists none: Respaldo (${fallback.sid})\n`,
    );
  });

  test('list works offline on the database when no server holds it', async () => {
    using data = tempDir();
    const fallback = { sid: `HX${'d'.repeat(32)}`, name: 'Respaldo', preview: 'Hola' };
    const env = { WASAP_DATA_DIR: data.path, TWILIO_TEMPLATES: JSON.stringify([fallback]) };
    expect((await wasap(['migrate'], env)).code).toBe(0);
    expect(JSON.parse((await wasap(['templates', 'list', '--json'], env)).out)).toEqual({
      provider: 'simulator',
      templates: [],
      offered: [{ ref: fallback.sid, name: 'Respaldo', source: 'fallback' }],
    });
  });
});
