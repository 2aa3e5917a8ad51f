/**
 * @module test/local-admin.test — `wasap` while the server runs on the embedded database: user and token commands
 * and the bot commands go through the running server's admin API with its local credential (server/local-admin),
 * which never leaves for another URL; once the server stops, the CLI opens the database itself again.
 */
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { sessions } from '../server/db/schema';
import { findUserByEmail } from '../server/db/queries/users';
import { LOCAL_ADMIN_FILE, type LocalAdmin } from '../server/local-admin';
import { createLogger } from '../server/logger';
import { startServer } from '../server/server';
import { wasap } from './support/cli';
import { tempDir } from './support/temp';

describe('wasap while the server runs on the embedded database', () => {
  test('user, token and bot commands reach it through its local credential; after stop the CLI opens the database', async () => {
    using dir = tempDir();
    const env = { WASAP_DATA_DIR: dir.path, PORT: '0', HOST: '127.0.0.1', WASAP_SECRET: 'local-admin-secret-'.repeat(3) };
    const server = await startServer({ config: loadConfig(env), logger: createLogger('silent') });
    let stopped = false;
    try {
      const file = join(dir.path, LOCAL_ADMIN_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const local = JSON.parse(readFileSync(file, 'utf8')) as LocalAdmin;
      expect(local).toMatchObject({ url: `http://127.0.0.1:${server.port}`, pid: process.pid });
      expect(local.token).toMatch(/^wsl_[\w-]{43}$/);

      // doctor runs every check through the server: no users yet is a failure, as offline.
      const before = await wasap(['doctor'], env);
      expect(before.code).toBe(1);
      expect(before.out).toMatch(/ok +database +embedded database held by the wasap server .* reached through its admin API/);
      expect(before.out).toMatch(/ok +migrations +(\d+)\/\1 applied/);
      expect(before.out).toContain('FAIL  users          no users');

      const add = await wasap(['user', 'add', '--email', 'Ana@Agency.co', '--name', 'Ana Gómez', '--role', 'admin'], env, 'una clave muy larga\n');
      expect(add).toEqual({ code: 0, out: 'created admin ana@agency.co (id 1)\n', err: '' });
      expect((await wasap(['doctor'], env)).out).toContain('ok    users          1 user(s)');
      const short = await wasap(['user', 'add', '--email', 'b@agency.co', '--name', 'B'], env, 'corta\n');
      expect(short.code).toBe(2);
      expect(short.err).toContain('at least 10');
      const again = await wasap(['user', 'add', '--email', 'ana@agency.co', '--name', 'Ana'], env, 'una clave muy larga\n');
      expect(again).toMatchObject({ code: 1 });
      expect(again.err).toContain('already exists');
      expect(JSON.parse((await wasap(['user', 'list', '--json'], env)).out)).toEqual([
        { id: 1, email: 'ana@agency.co', name: 'Ana Gómez', role: 'admin', disabled: false, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ]);

      // Disabling through the server signs her out at once, as the admin pages do.
      const user = await findUserByEmail(server.database.db, 'ana@agency.co');
      await server.database.db.insert(sessions).values({ tokenHash: 'h'.repeat(64), userId: user!.id, csrfToken: 'c', expiresAt: new Date(Date.now() + 3_600_000) });
      expect((await wasap(['user', 'disable', 'ana@agency.co'], env)).out).toBe('ana@agency.co is now disabled\n');
      expect(await server.database.db.select().from(sessions).where(eq(sessions.userId, user!.id))).toEqual([]);
      expect((await wasap(['user', 'enable', 'ana@agency.co'], env)).out).toBe('ana@agency.co is now active\n');
      expect((await wasap(['user', 'passwd', 'ana@agency.co'], env, 'otra clave bien larga')).code).toBe(0);
      const changed = await findUserByEmail(server.database.db, 'ana@agency.co');
      expect(await Bun.password.verify('otra clave bien larga', changed!.passwordHash)).toBe(true);
      expect((await wasap(['user', 'disable', 'nadie@agency.co'], env)).code).toBe(1);

      const created = await wasap(['token', 'create', '--name', 'laptop'], env);
      expect(created.out).toMatch(/^wsp_[\w-]+\n$/);
      expect((await wasap(['token', 'list'], env)).out).toMatch(/1\s+laptop\s+.*active/);
      expect((await wasap(['token', 'revoke', '1'], env)).out).toBe('token 1 revoked\n');
      expect(await wasap(['token', 'revoke', '1'], env)).toMatchObject({ code: 1 });
      expect((await wasap(['bot', 'list'], env)).out).toMatch(/intake@1\s+yes\s+system/);

      // The credential only goes to the server that wrote it; a wrong one is refused.
      const elsewhere = await wasap(['bot', 'list'], { ...env, WASAP_URL: 'http://127.0.0.1:9' });
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.err).toContain('WASAP_API_TOKEN is not set');
      const wrong = await fetch(`${local.url}/api/admin/users`, { headers: { authorization: `Bearer wsl_${'x'.repeat(43)}` } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${local.url}/api/admin/users`, { headers: { authorization: `Bearer ${local.token}` } });
      expect(right.status).toBe(200);

      await server.stop();
      stopped = true;
      expect(existsSync(file)).toBe(false);
      expect((await wasap(['user', 'list'], env)).out).toContain('ana@agency.co');
      expect((await wasap(['bot', 'list'], env)).code).toBe(2);
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
