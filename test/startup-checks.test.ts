/**
 * @module test/startup-checks.test — what the server checks before it serves: a database behind its migrations
 * (WASAP_AUTO_MIGRATE=false) stops it with the command to run, and a WASAP_SECRET other than the one the database
 * was set up with stops it too, until `wasap migrate --accept-new-secret` records the new one.
 */
import { describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { checkInstallSecret, secretFingerprint, SecretMismatchError, acceptInstallSecret } from '../server/db/install-identity';
import { DatabaseNotMigratedError, requireMigrated } from '../server/db/migrate';
import { rowsOf } from '../server/db/rows';
import { createLogger } from '../server/logger';
import { startServer } from '../server/server';
import { wasap } from './support/cli';
import { drivers, freshPostgresUrl, testDatabase } from './support/db';
import { tempDir } from './support/temp';

const SECRET_A = 'secret-a-'.repeat(5);
const SECRET_B = 'secret-b-'.repeat(5);

function start(env: Record<string, string>) {
  return startServer({ config: loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }), logger: createLogger('silent') });
}

describe('requireMigrated', () => {
  test('passes an up-to-date status and names the command and setting for one behind', () => {
    expect(() => requireMigrated({ expected: 3, applied: 3, pending: [] }, 'DATABASE_URL')).not.toThrow();
    expect(() => requireMigrated({ expected: 5, applied: 0, pending: ['0000_a', '0001_b', '0002_c', '0003_d', '0004_e'] }, 'WASAP_DATA_DIR')).toThrow(
      'the database is not migrated (0 of 5 migrations applied; pending: 0000_a … 0004_e): run `wasap migrate` with the same WASAP_DATA_DIR',
    );
    expect(() => requireMigrated({ expected: 3, applied: 1, pending: ['0001_b', '0002_c'] }, 'DATABASE_URL')).toThrow(
      'the database is not migrated (1 of 3 migrations applied; pending: 0001_b, 0002_c): run `wasap migrate` with the same DATABASE_URL, or start with WASAP_AUTO_MIGRATE=true',
    );
  });
});

describe.each(drivers)('install secret on %s', (driver) => {
  test('the first secret is recorded as a fingerprint, the same one matches, another is refused until accepted', async () => {
    await using database = await testDatabase(driver);
    expect(await checkInstallSecret(database.db, SECRET_A)).toBe('recorded');
    expect(await checkInstallSecret(database.db, SECRET_A)).toBe('matched');
    const rows = rowsOf<{ key: string; value: string }>(await database.db.execute(sql`select key, value from install_settings`));
    // An HMAC of a fixed label: never the secret, and not a plain hash of it either.
    expect(rows).toEqual([{ key: 'secret_fingerprint', value: secretFingerprint(SECRET_A) }]);
    expect(rows[0]!.value).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.value).not.toContain('secret-a');
    expect(rows[0]!.value).not.toBe(new Bun.CryptoHasher('sha256').update(SECRET_A).digest('hex'));
    const refused = checkInstallSecret(database.db, SECRET_B);
    await expect(refused).rejects.toBeInstanceOf(SecretMismatchError);
    await expect(refused).rejects.toThrow('WASAP_SECRET differs from the one this database was set up with: every process on one database must share WASAP_SECRET');
    await acceptInstallSecret(database.db, SECRET_B);
    expect(await checkInstallSecret(database.db, SECRET_B)).toBe('matched');
    await expect(checkInstallSecret(database.db, SECRET_A)).rejects.toBeInstanceOf(SecretMismatchError);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('server start on Postgres', () => {
  test('WASAP_AUTO_MIGRATE=false on an unmigrated database stops with `wasap migrate`, not an SQL error', async () => {
    const fresh = await freshPostgresUrl();
    try {
      const refused = start({ DATABASE_URL: fresh.url, WASAP_AUTO_MIGRATE: 'false', WASAP_SECRET: SECRET_A });
      await expect(refused).rejects.toBeInstanceOf(DatabaseNotMigratedError);
      await expect(refused).rejects.toThrow(/^the database is not migrated \(0 of \d+ migrations applied; pending: 0000_init … 00\d\d_\w+\): run `wasap migrate` with the same DATABASE_URL/);
      expect((await wasap(['migrate'], { DATABASE_URL: fresh.url })).code).toBe(0);
      const server = await start({ DATABASE_URL: fresh.url, WASAP_AUTO_MIGRATE: 'false', WASAP_SECRET: SECRET_A });
      await server.stop();
    } finally {
      await fresh.drop();
    }
  });

  test('a process with another WASAP_SECRET refuses to start; `wasap migrate --accept-new-secret` changes it on purpose', async () => {
    const fresh = await freshPostgresUrl();
    try {
      const first = await start({ DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_A });
      // A second process with another secret, while the first runs: refused, and the first is untouched.
      await expect(start({ DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_B })).rejects.toBeInstanceOf(SecretMismatchError);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      await first.stop();
      // Never a secret made up on the spot: with neither WASAP_SECRET nor a data folder secret it is refused.
      using empty = tempDir();
      const unnamed = await wasap(['migrate', '--accept-new-secret'], { DATABASE_URL: fresh.url, WASAP_DATA_DIR: empty.path });
      expect(unnamed).toMatchObject({ code: 2, err: 'wasap: --accept-new-secret needs the new secret\nhint: Set WASAP_SECRET to the secret every process will start with.\n' });
      expect(existsSync(join(empty.path, 'secret'))).toBe(false);
      const accepted = await wasap(['migrate', '--accept-new-secret'], { DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_B });
      expect(accepted).toMatchObject({ code: 0 });
      expect(accepted.out).toContain("recorded this WASAP_SECRET as the database's");
      const rotated = await start({ DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_B });
      await rotated.stop();
      await expect(start({ DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_A })).rejects.toBeInstanceOf(SecretMismatchError);
      // doctor says so before a start fails.
      using data = tempDir();
      const doctorOld = await wasap(['doctor'], { DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_A, WASAP_DATA_DIR: data.path });
      expect(doctorOld.out).toContain('FAIL  secret         WASAP_SECRET differs from the one this database was set up with');
      const doctorNew = await wasap(['doctor'], { DATABASE_URL: fresh.url, WASAP_SECRET: SECRET_B, WASAP_DATA_DIR: data.path });
      expect(doctorNew.out).toContain("ok    secret         WASAP_SECRET matches the database's");
    } finally {
      await fresh.drop();
    }
  });
});

describe('server start on the embedded database', () => {
  test('WASAP_AUTO_MIGRATE=false on a new folder names WASAP_DATA_DIR; a changed WASAP_SECRET is refused', async () => {
    using data = tempDir();
    const refused = start({ WASAP_DATA_DIR: data.path, WASAP_AUTO_MIGRATE: 'false', WASAP_SECRET: SECRET_A });
    await expect(refused).rejects.toThrow(/^the database is not migrated \(0 of \d+ migrations applied; .*\): run `wasap migrate` with the same WASAP_DATA_DIR/);

    const server = await start({ WASAP_DATA_DIR: data.path, WASAP_SECRET: SECRET_A });
    await server.stop();
    const changed = start({ WASAP_DATA_DIR: data.path, WASAP_SECRET: SECRET_B });
    await expect(changed).rejects.toThrow('WASAP_SECRET differs from the one this embedded database was set up with');
  });
});
