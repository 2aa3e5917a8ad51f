/** @module server/db/prepared.test — drizzle's parameterised queries on postgres.js run as prepared statements, in and out of transactions. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { openDatabase } from './client';
import { rowsOf } from './rows';
import { freshPostgresUrl } from '../../test/support/db';

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn('server/db/prepared.test: skipped — set TEST_DATABASE_URL to a Postgres server to run it (CI does).');

describe.skipIf(!url)('prepared statements on Postgres (needs TEST_DATABASE_URL)', () => {
  test('a parameterised query is prepared once per connection and reused; text without parameters is not', async () => {
    const fresh = await freshPostgresUrl(url);
    // One connection, so pg_prepared_statements (per session) shows what this pool's statements left behind.
    const database = await openDatabase({ databaseUrl: fresh.url, maxConnections: 1 });
    try {
      const db = database.db;
      await db.execute(sql.raw('create table p1 (n int); create table p2 (n int)'));
      for (let n = 0; n < 3; n++) await db.execute(sql`insert into p1 (n) values (${n})`);
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into p2 (n) values (${7})`);
        await tx.transaction(async (inner) => inner.execute(sql`select n from p2 where n = ${7}`));
      });
      const prepared = rowsOf(await db.execute(sql`select statement from pg_prepared_statements where statement not like ${'%pg_prepared_statements%'}`)).map((r) => String(r.statement));
      expect(prepared.filter((s) => s.includes('insert into p1'))).toHaveLength(1);
      expect(prepared.filter((s) => s.includes('insert into p2'))).toHaveLength(1);
      expect(prepared.filter((s) => s.includes('select n from p2'))).toHaveLength(1);
      expect(prepared.some((s) => s.includes('create table'))).toBe(false);
      expect(rowsOf(await db.execute(sql`select count(*)::int as n from p1`))[0]).toEqual({ n: 3 });
    } finally {
      await database.close();
      await fresh.drop();
    }
  });

  test('DATABASE_PREPARE=false (prepare: false) leaves every statement unnamed, for poolers that cannot keep them', async () => {
    const fresh = await freshPostgresUrl(url);
    const database = await openDatabase({ databaseUrl: fresh.url, maxConnections: 1, prepare: false });
    try {
      const db = database.db;
      await db.execute(sql.raw('create table p1 (n int)'));
      for (let n = 0; n < 3; n++) await db.execute(sql`insert into p1 (n) values (${n})`);
      // Not even a query drizzle built with .prepare(name) (the outbox claim's), which asks postgres.js for one itself.
      const named = db
        .select({ n: sql<number>`count(*)::int` })
        .from(sql`p1`)
        .where(sql`n >= ${sql.placeholder('min')}`)
        .prepare('p1_count');
      expect(await named.execute({ min: 1 })).toEqual([{ n: 2 }]);
      // postgres.js prepares its own type lookup when it connects; nothing else may be prepared.
      expect(rowsOf(await db.execute(sql`select statement from pg_prepared_statements where statement not like ${'%pg_catalog.pg_type%'}`))).toEqual([]);
      expect(rowsOf(await db.execute(sql`select count(*)::int as n from p1`))[0]).toEqual({ n: 3 });
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
