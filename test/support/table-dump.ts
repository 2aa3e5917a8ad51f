/** @module test/support/table-dump — every row a conversation commit writes, for comparing two databases table by table. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/db/client';
import { rowsOf } from '../../server/db/rows';

/** Columns written with the database's clock or a random key: compared as present or absent. */
const VOLATILE = new Set(['created_at', 'updated_at', 'processed_at', 'fired_at', 'cancelled_at', 'idempotency_key', 'next_attempt_at', 'received_at']);
/** The tables a conversation commit writes. */
export const COMMIT_TABLES = ['aspirants', 'conversations', 'messages', 'outbox', 'timers', 'inbound_events', 'conversation_events', 'media', 'notes'];

/** Every row of every table the commit writes, ordered by id, volatile columns reduced to "set" or null. */
export async function dumpCommitTables(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of COMMIT_TABLES) {
    const rows = rowsOf<Record<string, unknown>>(await db.execute(sql.raw(`select to_jsonb(t) as row from ${table} t order by id`)));
    out[table] = rows.map(({ row }) => {
      const value = (typeof row === 'string' ? JSON.parse(row) : row) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE.has(k) ? (v === null ? null : 'set') : v]));
    });
  }
  return out;
}
