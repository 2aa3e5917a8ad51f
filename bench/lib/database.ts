/** @module bench/lib/database — a fresh migrated database for a scenario: a new Postgres database (BENCH_DATABASE_URL or TEST_DATABASE_URL) or in-memory PGlite. */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { openDatabase, pgliteExtensions, wrap, type Database, type Db } from '../../server/db/client';
import { migrationsFolder } from '../../server/db/migrate';
import * as schema from '../../server/db/schema';
import { freshPostgresUrl } from '../../test/support/db';

export type BenchDriver = 'postgres' | 'pglite';

export interface BenchDatabase extends Database {
  /** Closes the connection and, on Postgres, drops the database it created. */
  close(): Promise<void>;
}

/** The server Postgres benches may create databases on, if any. */
export function adminDatabaseUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
}

async function freshPostgres(adminUrl: string): Promise<BenchDatabase> {
  const scratch = await freshPostgresUrl(adminUrl, 'wasap_bench');
  try {
    const database = await openDatabase({ databaseUrl: scratch.url, maxConnections: 10 });
    await database.migrate();
    let closed: Promise<void> | undefined;
    return {
      ...database,
      close() {
        closed ??= database.close().finally(() => scratch.drop());
        return closed;
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

async function memoryPglite(): Promise<BenchDatabase> {
  const client = await PGlite.create({ extensions: await pgliteExtensions() });
  const db = drizzle({ client, schema }) as unknown as Db;
  await migrate(db as never, { migrationsFolder });
  return wrap(
    db,
    'pglite',
    'pglite:memory',
    async () => migrate(db as never, { migrationsFolder }),
    () => client.close(),
  );
}

/** Postgres when an admin URL is configured (unless `driver` says otherwise), else in-memory PGlite. */
export async function benchDatabase(driver: BenchDriver = adminDatabaseUrl() ? 'postgres' : 'pglite'): Promise<BenchDatabase> {
  if (driver === 'pglite') return memoryPglite();
  const adminUrl = adminDatabaseUrl();
  if (!adminUrl) throw new Error('Postgres benches need BENCH_DATABASE_URL or TEST_DATABASE_URL (postgres://…, a role allowed to create databases)');
  return freshPostgres(adminUrl);
}
