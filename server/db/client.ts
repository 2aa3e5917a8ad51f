/** @module server/db/client — opens Postgres (postgres.js) or embedded PGlite behind one drizzle type. */
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { acquireLock, lockFileOf } from './lock';
import { preparedStatements } from './prepared';
import { APPLICATION_NAME, superviseClient } from './supervised-client';
import { migrationsFolder, runMigrations, migrationStatus, type MigrationStatus } from './migrate';

export type Schema = typeof schema;
/** Both drivers' databases: queries are written once against this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction's handle, as `db.transaction(fn)` passes it to `fn`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** A short description without secrets, for logs and `wasap doctor`. */
  readonly describe: string;
  migrate(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  ping(): Promise<void>;
  /**
   * Runs one VACUUM or ANALYZE statement (built from catalog names, never from input) outside any transaction. On
   * Postgres it runs on a reserved connection at autovacuum's pace (vacuum_cost_delay 2 ms, autovacuum's default
   * autovacuum_vacuum_cost_delay since Postgres 12), so a pass after a burst does not take the cores the next
   * messages need; PGlite runs it as is (pacing would only hold its one connection longer).
   */
  maintain(statement: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** Folder of the embedded database (used when databaseUrl is unset). */
  pgliteDir?: string;
  /** Who opens it, written into the lock file so a second process is told who holds it. */
  role?: string;
  maxConnections?: number;
  /** Postgres: run parameterised queries as prepared statements (default true; see server/db/prepared). */
  prepare?: boolean;
  /**
   * Postgres: session settings sent at connect (e.g. `idle_in_transaction_session_timeout`, in ms, so a paused
   * process's open transaction and its locks do not outlive its shard leases; server/cluster).
   */
  settings?: Record<string, string | number>;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10, options.prepare ?? true, options.settings ?? {});
  if (!options.pgliteDir) throw new Error('openDatabase needs databaseUrl or pgliteDir');
  return openPglite(resolve(options.pgliteDir), options.role ?? 'a wasap process');
}

/** The advisory lock key migrations are applied under (an arbitrary constant: "wasap" in ASCII). */
const MIGRATION_LOCK = 0x7761736170;

async function openPostgres(url: string, max: number, prepare: boolean, settings: Record<string, string | number>): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // Supervised: a pool that postgres.js leaves wedged after an outage is replaced (see supervised-client).
  const supervised = superviseClient((overrides) => postgres(url, { max, onnotice: () => {}, connect_timeout: 10, connection: { application_name: APPLICATION_NAME, ...settings }, ...overrides }));
  const client = supervised.client;
  const db = drizzle({ client: preparedStatements(client, prepare), schema }) as unknown as Db;
  const { host, pathname } = new URL(url);
  return wrap(
    db,
    'postgres',
    `postgres://${host}${pathname}`,
    async function migratePostgres() {
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      // Several processes started together on a new database would each apply the migrations at once and all but
      // one fail: they take turns under a session advisory lock (held on a connection of its own, outside the pool,
      // which may have only one), and the later ones find nothing left to apply.
      const locker = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, connection: { application_name: APPLICATION_NAME } });
      try {
        await locker`select pg_advisory_lock(${MIGRATION_LOCK})`;
        // `db` is typed as the drivers' common base; each migrator wants its own driver's subtype, which it is.
        await runMigrations(() => migrate(db as never, { migrationsFolder }));
      } finally {
        await locker.end({ timeout: 5 });
      }
    },
    async function closePostgres() {
      await supervised.end(5);
    },
    async function maintainPostgres(statement) {
      // A session setting on a connection of its own: a startup parameter would be refused by PgBouncer.
      const reserved = await client.reserve();
      try {
        await reserved.unsafe('set vacuum_cost_delay = 2');
        await reserved.unsafe(statement);
      } finally {
        await reserved.unsafe('reset vacuum_cost_delay').catch(() => {});
        reserved.release();
      }
    },
  );
}

/** The contrib extensions the migrations create (0006: unaccent and pg_trgm for search); PGlite loads them when it opens. */
export async function pgliteExtensions() {
  const [{ unaccent }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite/contrib/unaccent'), import('@electric-sql/pglite/contrib/pg_trgm')]);
  return { unaccent, pg_trgm };
}

async function openPglite(dir: string, role: string): Promise<Database> {
  const release = acquireLock(lockFileOf(dir), role);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = await PGlite.create(dir, { extensions: await pgliteExtensions() });
    const db = drizzle({ client, schema }) as unknown as Db;
    return wrap(
      db,
      'pglite',
      `pglite:${dir}`,
      async function migratePglite() {
        const { migrate } = await import('drizzle-orm/pglite/migrator');
        await runMigrations(() => migrate(db as never, { migrationsFolder }));
      },
      async function closePglite() {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    );
  } catch (error) {
    release();
    throw error;
  }
}

/** Wraps an already-open drizzle database (tests hand in cloned PGlite instances this way). */
export function wrap(
  db: Db,
  kind: Database['kind'],
  describe: string,
  migrate: () => Promise<void>,
  close: () => Promise<void>,
  maintain: (statement: string) => Promise<void> = async (statement) => void (await db.execute(sql.raw(statement))),
): Database {
  let closed: Promise<void> | undefined;
  return {
    db,
    kind,
    describe,
    migrate,
    maintain,
    migrationStatus: () => migrationStatus(db),
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
