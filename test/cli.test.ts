/** @module test/cli.test — the `wasap` command through run(argv): users, migrate, doctor, bad arguments, the lock. */
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../server/db/client';
import { acquireLock } from '../server/db/lock';
import { migrationsFolder } from '../server/db/migrate';
import { findUserByEmail } from '../server/db/queries/users';
import { wasap } from './support/cli';
import { drivers, freshPostgresUrl, type Driver } from './support/db';
import { tempDir } from './support/temp';

/** An environment for the CLI: its own data folder, and on postgres its own database. */
async function cliEnv(driver: Driver) {
  const data = tempDir();
  const pg = driver === 'postgres' ? await freshPostgresUrl() : undefined;
  const env: Record<string, string> = { WASAP_DATA_DIR: data.path, ...(pg ? { DATABASE_URL: pg.url } : {}) };
  return {
    env,
    dataDir: data.path,
    async [Symbol.asyncDispose]() {
      await pg?.drop();
      data[Symbol.dispose]();
    },
  };
}

describe.each(drivers)('wasap CLI on %s', (driver) => {
  test('user add → list --json → disable → passwd, with an argon2id hash and no password in the output', async () => {
    await using ctx = await cliEnv(driver);
    // The embedded database is created by the server's first start or by `wasap migrate`, never by a user command.
    if (driver === 'pglite') expect((await wasap(['user', 'list'], ctx.env)).err).toContain(`no embedded database in ${ctx.dataDir}`);
    expect((await wasap(['migrate'], ctx.env)).code).toBe(0);
    const add = await wasap(['user', 'add', '--email', 'Lina@Agency.co', '--name', 'Lina Ruiz', '--role', 'admin'], ctx.env, 'una clave muy larga\n');
    expect(add).toEqual({ code: 0, out: 'created admin lina@agency.co (id 1)\n', err: '' });
    const list = await wasap(['user', 'list', '--json'], ctx.env);
    expect(list.code).toBe(0);
    const users = JSON.parse(list.out) as Record<string, unknown>[];
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: 1, email: 'lina@agency.co', name: 'Lina Ruiz', role: 'admin', disabled: false, locale: 'es', timeZone: 'America/Bogota', sensitiveAccess: false });
    expect(list.out).not.toContain('argon2');
    // Her pages' language and time zone: checked, then set.
    const badZone = await wasap(['user', 'set', 'lina@agency.co', '--time-zone', 'Mars/Olympus'], ctx.env);
    expect(badZone.code).toBe(2);
    expect(badZone.err).toContain('"Mars/Olympus" is not a time zone');
    expect((await wasap(['user', 'set', 'lina@agency.co', '--locale', 'fr'], ctx.env)).code).not.toBe(0);
    const set = await wasap(['user', 'set', 'lina@agency.co', '--locale', 'en', '--time-zone', 'Europe/Madrid'], ctx.env);
    expect(set).toEqual({ code: 0, out: 'lina@agency.co reads the pages in en, times in Europe/Madrid\n', err: '' });
    expect((await wasap(['user', 'list'], ctx.env)).out).toContain('Europe/Madrid');
    expect((await wasap(['user', 'disable', 'lina@agency.co'], ctx.env)).out).toBe('lina@agency.co is now disabled\n');
    expect((await wasap(['user', 'list'], ctx.env)).out).toContain('disabled');
    expect((await wasap(['user', 'passwd', 'lina@agency.co'], ctx.env, 'otra clave bien larga')).code).toBe(0);
    const database = await openDatabase({ databaseUrl: ctx.env.DATABASE_URL, pgliteDir: join(ctx.dataDir, 'pg') });
    try {
      const row = await findUserByEmail(database.db, 'lina@agency.co');
      expect(row?.passwordHash).toStartWith('$argon2id$');
      expect(await Bun.password.verify('otra clave bien larga', row!.passwordHash)).toBe(true);
    } finally {
      await database.close();
    }
  });

  test('migrate twice: the second run is a no-op; doctor fails until an admin exists', async () => {
    await using ctx = await cliEnv(driver);
    const shipped = (JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
    expect(shipped).toBeGreaterThanOrEqual(3);
    expect((await wasap(['migrate'], ctx.env)).out).toContain(`applied ${shipped} migration(s) (${shipped}/${shipped})`);
    expect((await wasap(['migrate'], ctx.env)).out).toContain(`already up to date (${shipped}/${shipped})`);
    const before = await wasap(['doctor'], ctx.env);
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/^FAIL {2}users/m);
    await wasap(['user', 'add', '--email', 'a@b.co', '--name', 'A', '--role', 'admin'], ctx.env, 'long enough pw');
    const after = await wasap(['doctor'], ctx.env);
    expect(after.code).toBe(0);
    const lines = after.out.split('\n').filter(Boolean);
    if (driver === 'postgres') {
      // This Postgres's own setting decides the line: a warning (never a failure) when autovacuum is off.
      const admin = postgres(ctx.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      const [{ autovacuum }] = (await admin`select current_setting('autovacuum') as autovacuum`) as unknown as [{ autovacuum: string }];
      await admin.end();
      expect(lines.find((line) => line.includes('maintenance'))).toMatch(autovacuum === 'on' ? /^ok {4}maintenance +autovacuum is on/ : /^WARN {2}maintenance +autovacuum is off/);
    }
    // On Postgres, local media is a warning: several processes would each keep their own folder.
    if (driver === 'postgres') expect(lines.find((line) => line.includes('media'))).toMatch(/^WARN {2}media +local folder .* each keeps its own media folder .*set S3_BUCKET/);
    else expect(lines.find((line) => line.includes('media'))).toMatch(/^ok {4}media +local folder .* writable$/);
    expect(lines.filter((line) => !line.includes('maintenance') && !line.includes('media')).every((line) => line.startsWith('ok'))).toBe(true);
  });
});

describe('wasap CLI arguments and refusals', () => {
  test('bad arguments exit 2 with a clear message; there is no --password option', async () => {
    using data = tempDir();
    const env = { WASAP_DATA_DIR: data.path };
    expect((await wasap(['migrate'], env)).code).toBe(0);
    const noPassword = await wasap(['user', 'add', '--email', 'a@b.co', '--name', 'A', '--password', 'x'], env);
    expect(noPassword.code).toBe(2);
    expect(noPassword.err).toContain("unknown option '--password'");
    const badRole = await wasap(['user', 'add', '--email', 'a@b.co', '--name', 'A', '--role', 'owner'], env, 'long enough pw');
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('Allowed choices are admin, recruiter');
    const weak = await wasap(['user', 'add', '--email', 'a@b.co', '--name', 'A'], env, 'short');
    expect(weak).toMatchObject({ code: 2, err: 'wasap: The password needs at least 10 characters.\n' });
    expect((await wasap(['frobnicate'], env)).code).toBe(2);
    expect((await wasap(['doctor'], { ...env, PORT: 'abc' })).out).toContain('FAIL  configuration  PORT: expected');
    const help = await wasap(['user', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.out).toContain('passwd');
  });

  test('while a server holds the embedded database the CLI refuses and says what to do', async () => {
    using data = tempDir();
    const release = acquireLock(join(data.path, 'wasap.lock'), 'the wasap server (port 3000)');
    try {
      const result = await wasap(['user', 'list'], { WASAP_DATA_DIR: data.path });
      expect(result.code).toBe(1);
      expect(result.err).toContain('in use by the wasap server (port 3000)');
      expect(result.err).toContain('hint: Stop the server');
    } finally {
      release();
    }
  });
});

describe('wasap with a data folder that is not there', () => {
  test('doctor fails without creating it; migrate creates a database there and says it is new', async () => {
    using parent = tempDir();
    const missing = join(parent.path, 'dta');
    const doctor = await wasap(['doctor'], { WASAP_DATA_DIR: missing });
    expect(doctor.code).toBe(1);
    expect(doctor.out).toContain(`FAIL  data folder    ${missing} does not exist`);
    // A Postgres install's data folder has no embedded database: the advice names DATABASE_URL first.
    expect(doctor.out).toContain(`FAIL  database       no embedded database in ${missing}: if this install uses Postgres, set DATABASE_URL`);
    expect(existsSync(missing)).toBe(false);
    const migrate = await wasap(['migrate'], { WASAP_DATA_DIR: missing });
    expect(migrate.out).toContain(`created a new embedded database in ${missing}`);
    expect((await wasap(['migrate'], { WASAP_DATA_DIR: missing })).out).not.toContain('created a new');
  });
});
