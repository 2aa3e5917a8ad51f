/** @module test/support/migrations — a database as it was before a later migration, to test that migration's changes on it. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { pgliteExtensions } from '../../server/db/client';
import { migrationsFolder } from '../../server/db/migrate';
import { freshPostgresUrl, type Driver } from './db';

/** A copy of the migrations folder that stops after `lastTag` (a journal tag, e.g. `0010_template_ref`); throws for an unknown tag. */
export function foldersUpTo(lastTag: string): { folder: string; [Symbol.dispose](): void } {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag} in the journal`);
  const folder = mkdtempSync(join(tmpdir(), 'wasap-migrations-'));
  const entries = journal.entries.slice(0, last + 1);
  mkdirSync(join(folder, 'meta'));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) cpSync(join(migrationsFolder, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  return { folder, [Symbol.dispose]: () => rmSync(folder, { recursive: true, force: true }) };
}

/** A fresh database of `driver` migrated with `folder`; `migrate(folder)` applies more. Dispose it (`await using`). */
export async function partlyMigrated(driver: Driver, folder: string) {
  if (driver === 'pglite') {
    const client = await PGlite.create({ extensions: await pgliteExtensions() });
    const db = drizzlePglite({ client });
    await migratePglite(db, { migrationsFolder: folder });
    return { db, migrate: (to: string) => migratePglite(db, { migrationsFolder: to }), [Symbol.asyncDispose]: () => client.close() };
  }
  const fresh = await freshPostgresUrl();
  const client = postgres(fresh.url, { max: 1, onnotice: () => {} });
  const db = drizzlePostgres({ client });
  await migratePostgres(db, { migrationsFolder: folder });
  return {
    db,
    migrate: (to: string) => migratePostgres(db, { migrationsFolder: to }),
    [Symbol.asyncDispose]: async () => {
      await client.end();
      await fresh.drop();
    },
  };
}
