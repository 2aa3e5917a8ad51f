/** @module test/support/db — a fresh migrated database per suite: a PGlite clone, or a new Postgres database. */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { openDatabase, pgliteExtensions, wrap, type Database, type Db } from '../../server/db/client';
import { migrationsFolder } from '../../server/db/migrate';
import * as schema from '../../server/db/schema';

export type Driver = 'pglite' | 'postgres';

/** PGlite always; real Postgres too when TEST_DATABASE_URL is set (CI sets it). */
export const drivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let base: Promise<PGlite> | undefined;

/** One migrated in-memory PGlite per process; suites get clones (starting PGlite costs ~2 s, a clone ~0.3 s). */
function migratedBase(): Promise<PGlite> {
  base ??= (async () => {
    const client = await PGlite.create({ extensions: await pgliteExtensions() });
    await migrate(drizzle({ client, schema }), { migrationsFolder });
    return client;
  })();
  return base;
}

export async function closeBase(): Promise<void> {
  if (base) await (await base).close();
  base = undefined;
}

let counter = 0;

async function postgresDatabase(): Promise<Database & { url: string }> {
  const fresh = await freshPostgresUrl();
  const database = await openDatabase({ databaseUrl: fresh.url, maxConnections: 10 });
  await database.migrate();
  let closed: Promise<void> | undefined;
  return {
    ...database,
    url: fresh.url,
    close() {
      closed ??= database.close().then(() => fresh.drop());
      return closed;
    },
  };
}

export type TestDatabase = Database & AsyncDisposable & { url?: string };

/** A fresh, migrated database; dispose it (`await using`) or call close(). */
export async function testDatabase(driver: Driver = 'pglite'): Promise<TestDatabase> {
  let database: Database;
  if (driver === 'postgres') {
    database = await postgresDatabase();
  } else {
    const client = (await (await migratedBase()).clone()) as PGlite;
    const db = drizzle({ client, schema }) as unknown as Db;
    database = wrap(
      db,
      'pglite',
      'pglite:memory',
      async () => {
        await migrate(db as never, { migrationsFolder });
      },
      () => client.close(),
    );
  }
  return Object.assign(database, { [Symbol.asyncDispose]: () => database.close() });
}

/**
 * The URL of a fresh empty Postgres database created through `adminUrl` (TEST_DATABASE_URL by
 * default); drop() removes it. Tests and benchmarks both make their scratch databases here.
 */
export async function freshPostgresUrl(adminUrl = process.env.TEST_DATABASE_URL as string, prefix = 'wasap_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
