/** @module server/db/migrate — the drizzle-kit migrations folder, applying it, and telling whether it is applied. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { rowsOf } from './rows';

export const migrationsFolder = join(import.meta.dir, '..', '..', 'migrations');

export interface MigrationStatus {
  expected: number;
  applied: number;
  /** Tags of migrations in the folder that the database has not applied yet. */
  pending: string[];
}

interface JournalEntry {
  tag: string;
  when: number;
}

function journal(): JournalEntry[] {
  const text = readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8');
  return (JSON.parse(text) as { entries: JournalEntry[] }).entries;
}

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED' as const;
}

export async function runMigrations(apply: () => Promise<void>): Promise<void> {
  try {
    await apply();
  } catch (error) {
    const cause = error as { cause?: { message?: string }; message?: string };
    throw new MigrationError(`migrations failed: ${cause.cause?.message ?? cause.message ?? String(error)}`, { cause: error });
  }
}

/** Compares the journal with drizzle's bookkeeping table (created_at is the journal's `when`). */
export async function migrationStatus(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>): Promise<MigrationStatus> {
  const entries = journal();
  let appliedAt = new Set<number>();
  try {
    const result = await db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
    const rows = rowsOf<{ created_at: string | number }>(result);
    appliedAt = new Set(rows.map((row) => Number(row.created_at)));
  } catch (error) {
    // No bookkeeping table yet means nothing was applied; any other error is real.
    if (!/does not exist/.test(String((error as Error).message ?? error) + String((error as { cause?: Error }).cause?.message))) throw error;
  }
  const pending = entries.filter((entry) => !appliedAt.has(entry.when)).map((entry) => entry.tag);
  return { expected: entries.length, applied: entries.length - pending.length, pending };
}

/** The server was told not to migrate (WASAP_AUTO_MIGRATE=false) and the database is behind its migrations folder. */
export class DatabaseNotMigratedError extends Error {
  readonly code = 'DATABASE_NOT_MIGRATED' as const;
  constructor(
    readonly status: MigrationStatus,
    same: string,
  ) {
    super(
      `the database is not migrated (${status.applied} of ${status.expected} migrations applied; pending: ${pendingList(status.pending)}): ` +
        `run \`wasap migrate\` with the same ${same}, or start with WASAP_AUTO_MIGRATE=true`,
    );
  }
}

/** Up to three tags; a longer list (a new database has them all) as its first and last. */
function pendingList(tags: string[]): string {
  return tags.length > 3 ? `${tags[0]} … ${tags.at(-1)}` : tags.join(', ');
}

/**
 * Throws DatabaseNotMigratedError when `status` has pending migrations; `same` names the setting that picks the
 * database (`DATABASE_URL`, `WASAP_DATA_DIR`) so the operator runs `wasap migrate` against the right one.
 */
export function requireMigrated(status: MigrationStatus, same: string): void {
  if (status.pending.length) throw new DatabaseNotMigratedError(status, same);
}
