/** @module test/bot-cli.test — `wasap bot …` through the admin API (Eden + token) and `wasap replay` over recorded conversations. */
import { describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/client';
import { conversations, messages } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { createApiToken } from '../server/services/api-tokens';
import { DEFAULT_SCRIPT_FILE } from '../server/services/bot-scripts';
import { buildServices } from '../server/wiring';
import { inbound, PROFILE } from './support/bot';
import { testApp } from './support/app';
import { wasap } from './support/cli';
import { tempDir } from './support/temp';

const SCRIPT = readFileSync(DEFAULT_SCRIPT_FILE, 'utf8');
const EDITED = SCRIPT.replace('Qué alegría que nos escribas.', 'Gracias por escribirnos.');

describe('wasap bot', () => {
  test('validate names the file, line and path of each problem; a good file is ok', async () => {
    using dir = tempDir();
    const broken = join(dir.path, 'broken.yaml');
    writeFileSync(broken, SCRIPT.replace('- send: photo_request', '- send: photo_requets'));
    const bad = await wasap(['bot', 'validate', broken], { WASAP_DATA_DIR: dir.path });
    expect(bad.code).toBe(1);
    const line = SCRIPT.split('\n').findIndex((l) => l.includes('- send: photo_request')) + 1;
    expect(bad.err).toMatch(new RegExp(`broken\\.yaml:${line}:\\d+ steps\\.awaiting_form\\.on\\.form\\.submitted\\[1\\]\\.actions\\[1\\]\\.send: unknown message 'photo_requets'`));
    const good = join(dir.path, 'good.yaml');
    writeFileSync(good, SCRIPT);
    expect(await wasap(['bot', 'validate', good], { WASAP_DATA_DIR: dir.path })).toMatchObject({ code: 0, out: `${good}: ok (intake)\n` });
  });

  test('publish and activate go through the admin API; running conversations keep their version', async () => {
    await using t = await testApp('pglite', { overrides: { timerPollMs: 0 } });
    t.app.listen({ port: 0, hostname: '127.0.0.1' });
    try {
      const { token } = await createApiToken(t.database.db, 'test', 'test');
      const env = { WASAP_URL: `http://127.0.0.1:${t.app.server!.port}`, WASAP_API_TOKEN: token };
      expect((await wasap(['bot', 'list'], { ...env, WASAP_API_TOKEN: 'wsp_wrong' })).code).toBe(2);
      expect((await wasap(['bot', 'list'], env)).out).toMatch(/intake@1\s+yes\s+system/);
      await t.services.conversations.acceptInbound(inbound('+573002220001', 'Hola'));
      await t.services.conversations.registry.ask('+573002220001', () => null);
      using dir = tempDir();
      const file = join(dir.path, 'intake.yaml');
      writeFileSync(file, EDITED);
      expect(await wasap(['bot', 'publish', file], env)).toMatchObject({ code: 0, out: 'published intake@2\n' });
      expect((await wasap(['bot', 'publish', file], env)).out).toBe('unchanged, already published as intake@2\n');
      expect((await wasap(['bot', 'diff', 'intake@1', 'intake@2'], env)).out).toContain('+      ¡Hola, {firstName}! 👋 Gracias por escribirnos.');
      expect(await wasap(['bot', 'activate', 'intake@2'], env)).toMatchObject({ code: 0, out: 'intake@2 is active\n' });
      expect((await wasap(['bot', 'activate', 'intake@9'], env)).err).toContain('No bot script intake@9');
      await t.services.conversations.acceptInbound(inbound('+573002220002', 'Hola'));
      await t.services.conversations.registry.ask('+573002220002', () => null);
      const pins = await t.database.db.select({ script: conversations.botScript }).from(conversations).orderBy(conversations.id);
      expect(pins.map((p) => p.script)).toEqual(['intake@1', 'intake@2']);
      const welcomes = await t.database.db.select({ body: messages.body }).from(messages).where(eq(messages.sender, 'bot')).orderBy(messages.id);
      expect(welcomes.map((w) => w.body.includes('Gracias por escribirnos'))).toEqual([false, true]);
    } finally {
      await t.app.stop();
    }
  });
});

describe('wasap replay', () => {
  test('replaying every conversation with its own version reproduces the bot exactly; an edited script shows the differences', async () => {
    using dir = tempDir();
    const env = { WASAP_DATA_DIR: dir.path, WASAP_SECRET: 'replay-secret-'.repeat(3), PUBLIC_URL: 'https://wasap.test' };
    const config = loadConfig(env);
    const database = await openDatabase({ pgliteDir: join(dir.path, 'pg') });
    await database.migrate();
    let now = Date.UTC(2026, 10, 27, 9, 0, 0);
    const services = buildServices({ config, database, logger: createLogger('silent'), metrics: createMetrics(), now: () => now, timerPollMs: 0 });
    await services.start();
    const flush = (key: string) => services.conversations.registry.ask(key, () => null);
    for (const [i, key] of ['+573003330001', '+573003330002', '+573003330003'].entries()) {
      await services.conversations.acceptInbound(inbound(key, i === 1 ? '¿cuánto pagan?' : 'Hola'), now);
      await flush(key);
      now += 5 * 3_600_000;
      await services.timers.runOnce();
      await flush(key);
      if (i < 2) {
        const [row] = await database.db
          .select({ aspirantId: conversations.aspirantId })
          .from(conversations)
          .where(eq(conversations.id, i + 1));
        await services.conversations.acceptForm(key, { aspirantId: row!.aspirantId, profile: { ...PROFILE, hasKids: i === 0 }, source: 'hosted' });
        await flush(key);
      }
      if (i === 0) {
        await services.conversations.acceptInbound(inbound(key, '', [{ url: 'https://example.invalid/p.jpg', contentType: 'image/jpeg' }]), now);
        await flush(key);
      }
    }
    await services.stop();
    await database.close();

    const same = await wasap(['replay', '--all', '--check'], env);
    expect(same.out).toBe('conversations 3, identical 3, differing 0, errors 0\n');
    expect(same.code).toBe(0);
    const one = await wasap(['replay', '1'], env);
    expect(one.out).toContain('conversation 1 — script intake@1');
    expect(one.out).toContain('0 difference(s)');
    const edited = join(dir.path, 'edited.yaml');
    writeFileSync(edited, EDITED);
    const changed = await wasap(['replay', '--all', '--script', edited, '--check'], env);
    expect(changed.out).toBe('conversations 3, identical 0, differing 3, errors 0\n');
    expect(changed.code).toBe(1);
    const detail = await wasap(['replay', '2', '--script', edited], env);
    expect(detail.out).toContain('- recorded: ¡Hola, Valentina! 👋 Qué alegría que nos escribas.');
    expect(detail.out).toContain('+ replayed: ¡Hola, Valentina! 👋 Gracias por escribirnos.');
    const json = JSON.parse((await wasap(['replay', '3', '--json'], env)).out) as { differences: number; steps: unknown[] };
    expect(json.differences).toBe(0);
    expect(json.steps.length).toBeGreaterThan(1);
  });
});
