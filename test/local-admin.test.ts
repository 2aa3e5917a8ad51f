/**
 * @module test/local-admin.test — `wasap` while the server runs on the embedded database: user and token commands
 * and the bot commands go through the running server's admin API with its local credential (server/local-admin),
 * which never leaves for another URL; once the server stops, the CLI opens the database itself again.
 */
import { describe, expect, test } from 'bun:test';
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { sessions } from '../server/db/schema';
import { findUserByEmail } from '../server/db/queries/users';
import { isFromUrlHost, isLoopbackUrl, LOCAL_ADMIN_FILE, loopbackUrl, type LocalAdmin } from '../server/local-admin';
import { createLogger } from '../server/logger';
import { DEFAULT_SCRIPT_FILE } from '../server/services/bot-scripts';
import { startServer } from '../server/server';
import { inbound } from './support/bot';
import { printable } from '../cli/table';
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
        {
          id: 1,
          email: 'ana@agency.co',
          name: 'Ana Gómez',
          role: 'admin',
          disabled: false,
          locale: 'es',
          timeZone: 'America/Bogota',
          sensitiveAccess: false,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ]);

      // Her pages' language, through the server too.
      expect((await wasap(['user', 'set', 'ana@agency.co', '--locale', 'en'], env)).out).toBe('ana@agency.co reads the pages in en, times in America/Bogota\n');

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
      // With WASAP_URL and a token, user commands go to that server, whatever data folder is around.
      using other = tempDir();
      const remote = { WASAP_DATA_DIR: other.path, WASAP_URL: local.url, WASAP_API_TOKEN: created.out.trim() };
      expect((await wasap(['user', 'list'], remote)).out).toContain('ana@agency.co');
      expect(existsSync(join(other.path, 'pg'))).toBe(false);
      expect((await wasap(['token', 'revoke', '1'], env)).out).toBe('token 1 revoked\n');
      expect(await wasap(['token', 'revoke', '1'], env)).toMatchObject({ code: 1 });
      expect((await wasap(['bot', 'list'], env)).out).toMatch(/intake@1\s+yes\s+system/);

      // replay and migrate too: the bot re-run in the server's memory, migrations as the server applied them.
      await server.services.conversations.acceptInbound(inbound('+573001230001', 'Hola'));
      await server.services.conversations.registry.ask('+573001230001', () => null);
      const one = await wasap(['replay', '1'], env);
      expect(one.code).toBe(0);
      expect(one.out).toContain('0 difference(s)');
      expect(one.out).toMatch(/^ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}inbound\.received {2}"Hola"\n {6}bot: ¡Hola/m);
      expect((await wasap(['replay', '--all', '--script', 'intake@1'], env)).out).toContain('conversations 1, identical 1, differing 0, errors 0');
      const edited = join(dir.path, 'edited.yaml');
      writeFileSync(edited, readFileSync(DEFAULT_SCRIPT_FILE, 'utf8').replace('Qué alegría que nos escribas.', 'Gracias por escribirnos.'));
      const differs = await wasap(['replay', '1', '--script', edited, '--check'], env);
      expect(differs.code).toBe(1);
      expect(differs.out).toContain('+ replayed: ¡Hola, Valentina! 👋 Gracias por escribirnos.');
      expect((await wasap(['migrate'], env)).out).toMatch(/up to date \((\d+)\/\1\), applied by the running server/);
      const admin = (path: string, init: RequestInit = {}) =>
        fetch(`${local.url}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${local.token}`, 'content-type': 'application/json' } });
      expect((await admin('/replay?since=99999')).status).toBe(400);
      expect(await wasap(['replay', '--all', '--since', '99999'], env)).toMatchObject({ code: 2 });
      expect((await admin('/replay/1', { method: 'POST', body: JSON.stringify({ scriptRef: 'intake@1', scriptBody: 'name: x' }) })).status).toBe(400);
      // No credential: 401 before the body is looked at, so its expected shape is not disclosed.
      const anonymous = await fetch(`${local.url}/api/admin/replay/1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"scriptRef": 5}' });
      expect(anonymous.status).toBe(401);

      // The credential only goes to the server that wrote it; a wrong one is refused.
      const elsewhere = await wasap(['bot', 'list'], { ...env, WASAP_URL: 'http://127.0.0.1:9' });
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.err).toContain('WASAP_URL is set (http://127.0.0.1:9) but WASAP_API_TOKEN is not');
      // A long-lived API token goes only where WASAP_URL says.
      expect(await wasap(['bot', 'list'], { ...env, WASAP_API_TOKEN: 'wsp_x' })).toMatchObject({ code: 2, err: expect.stringContaining('WASAP_URL is not') });
      // A credential file others could have written is not used, and the CLI says why.
      chmodSync(file, 0o644);
      const loose = await wasap(['user', 'list'], env);
      expect(loose.code).toBe(1);
      expect(loose.err).toContain('others may read or write it (mode 644');
      chmodSync(file, 0o600);
      const bad = (body: unknown) =>
        fetch(`${local.url}/api/admin/users`, { method: 'POST', headers: { authorization: `Bearer ${local.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      for (const email of ['\ud800@y.co', 'a\u0000@y.co']) expect((await bad({ email, name: 'X', role: 'admin', password: 'una clave muy larga' })).status).toBe(422);
      expect((await bad({ email: 'x@y.co', name: 'X\u0000', role: 'admin', password: 'una clave muy larga' })).status).toBe(422);
      expect(await wasap(['user', 'list', '--json'], env).then((r) => JSON.parse(r.out).length)).toBe(1);
      // Two adds of one email at once: one is created, the other told it exists (never a 500).
      const adds = await Promise.all([1, 2, 3].map(() => bad({ email: 'dup@agency.co', name: 'Dup', role: 'recruiter', password: 'una clave muy larga' }).then((r) => r.status)));
      expect(adds.sort()).toEqual([200, 409, 409]);
      const blank = await fetch(`${local.url}/api/admin/tokens`, { method: 'POST', headers: { authorization: `Bearer ${local.token}`, 'content-type': 'application/json' }, body: '{"name":"   "}' });
      expect(blank.status).toBe(400);
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

describe('the local admin credential is trusted only when it should be', () => {
  test('a file not private to this user, a symlink, or a server that cannot prove the token gets nothing sent', async () => {
    using dir = tempDir();
    using elsewhere = tempDir();
    const env = { WASAP_DATA_DIR: dir.path };
    // A listener that records what reaches it, standing in for whoever took a crashed server's port.
    const seen: { path: string; authorization: string | null; body: string }[] = [];
    const squatter = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(request) {
        seen.push({ path: new URL(request.url).pathname, authorization: request.headers.get('authorization'), body: await request.text() });
        return Response.json({ proof: 'f'.repeat(64), id: 1, email: 'x', role: 'admin' });
      },
    });
    try {
      const file = join(dir.path, LOCAL_ADMIN_FILE);
      const plant = (mode: number) => {
        writeFileSync(file, JSON.stringify({ url: `http://127.0.0.1:${squatter.port}`, token: `wsl_${'a'.repeat(43)}`, pid: process.pid }));
        chmodSync(file, mode);
      };
      const add = () => wasap(['user', 'add', '--email', 'jefe@agency.co', '--name', 'Jefe', '--role', 'admin'], env, 'clave secreta de la víctima\n');
      expect((await wasap(['migrate'], env)).code).toBe(0);
      // Readable by others: ignored, so the CLI opens the (free) embedded database itself.
      plant(0o644);
      expect(await add()).toMatchObject({ code: 0, out: 'created admin jefe@agency.co (id 1)\n' });
      // Private but its server cannot prove the token: only the proof request, with no credential, reaches it.
      plant(0o600);
      expect((await wasap(['user', 'list'], env)).out).toContain('jefe@agency.co');
      expect((await wasap(['bot', 'list'], env)).code).toBe(2);
      // A symlink to a private file elsewhere is not followed.
      const target = join(elsewhere.path, 'planted.json');
      writeFileSync(target, readFileSync(file));
      chmodSync(target, 0o600);
      Bun.spawnSync(['rm', '-f', file]);
      symlinkSync(target, file);
      expect((await wasap(['user', 'list'], env)).out).toContain('jefe@agency.co');
      // A FIFO under the name neither hangs the CLI on open nor is read.
      Bun.spawnSync(['rm', '-f', file]);
      expect(Bun.spawnSync(['mkfifo', file]).exitCode).toBe(0);
      expect((await wasap(['user', 'list'], env)).out).toContain('jefe@agency.co');
      expect(seen.length).toBeGreaterThan(0);
      for (const request of seen) {
        expect(request.path).toBe('/api/local-admin/proof');
        expect(request.authorization).toBeNull();
        expect(request.body).not.toContain('secreta');
      }
    } finally {
      squatter.stop(true);
    }
  });

  test('the URL written is a loopback IP, never a name; other hosts get no credential; the proof answers its own IP only', () => {
    expect(loopbackUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(loopbackUrl('localhost', 3000)).toBeUndefined();
    expect(loopbackUrl('::1', 3000)).toBe('http://[::1]:3000');
    expect(loopbackUrl('192.168.1.20', 3000)).toBeUndefined();
    expect(isLoopbackUrl('http://127.0.0.1:3000')).toBe(true);
    // The proof is given only to a client on the credential's own IP, not to one relaying from the other family.
    expect(isFromUrlHost('http://127.0.0.1:3000', '127.0.0.1')).toBe(true);
    expect(isFromUrlHost('http://127.0.0.1:3000', '::ffff:127.0.0.1')).toBe(true);
    expect(isFromUrlHost('http://127.0.0.1:3000', '::1')).toBe(false);
    expect(isFromUrlHost('http://[::1]:3000', '::1')).toBe(true);
    expect(isFromUrlHost('http://127.0.0.1:3000', undefined)).toBe(false);
    expect(isLoopbackUrl('http://localhost:3000')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1:3000@evil.example')).toBe(false);
    expect(isLoopbackUrl('https://127.0.0.1:3000/x')).toBe(false);
  });

  test('a server named by WASAP_URL that redirects elsewhere gets no second request; plain http to another machine is warned of', async () => {
    using dir = tempDir();
    const received: string[] = [];
    const elsewhere = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: async (request) => (received.push(await request.text()), Response.json({})) });
    const redirecting = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () => new Response(null, { status: 307, headers: { location: `http://127.0.0.1:${elsewhere.port}/api/admin/users/password` } }),
    });
    try {
      const env = { WASAP_DATA_DIR: dir.path, WASAP_URL: `http://127.0.0.1:${redirecting.port}`, WASAP_API_TOKEN: 'wsp_x' };
      const result = await wasap(['user', 'passwd', 'ana@agency.co'], env, 'una clave secreta larga');
      expect(result.code).toBe(1);
      expect(received).toEqual([]);
      const plain = await wasap(['bot', 'list'], { ...env, WASAP_URL: 'http://wasap.invalid:3000' });
      expect(plain.err).toContain('is plain http to another machine');
    } finally {
      redirecting.stop(true);
      elsewhere.stop(true);
    }
  });

  test('what the CLI prints of untrusted text cannot drive the terminal', () => {
    expect(printable('Eve\u001b]0;PWNED\u0007\u001b[2J\nhola\tya')).toBe('Eve\uFFFD]0;PWNED\uFFFD\uFFFD[2J\nhola\tya');
  });
});
