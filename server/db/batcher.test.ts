/** @module server/db/batcher.test — the one batching loop, as group commit: batches share a transaction, resolve only after COMMIT, and one failure does not sink the rest. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import { createBatcher } from './batcher';
import type { Tx } from './client';
import { rowsOf } from './rows';

describe.each(drivers)('batcher as group commit (%s)', (driver) => {
  test('concurrent units share transactions; a failing unit is isolated and rejected alone', async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table gc (n int primary key)`);
    await database.db.execute(sql`create table gc_log (n int primary key references gc (n), twice int not null)`);
    type Unit = (tx: Tx) => Promise<number>;
    const { db } = database;
    const committer = createBatcher<Unit, number>({
      one: (unit) => db.transaction((tx) => unit(tx)),
      many: (units) => db.transaction(async (tx) => Promise.all(units.map((unit) => unit(tx)))),
      concurrency: 1,
      maxBatch: 50,
    });
    const units = Array.from({ length: 200 }, (_, n) =>
      committer.submit(async (tx) => {
        if (n === 77) throw new Error('unit 77 fails');
        // Two statements in order within a unit, while other units' statements share the connection.
        await tx.execute(sql`insert into gc (n) values (${n === 150 ? 149 : n})`);
        await tx.execute(sql`insert into gc_log (n, twice) values (${n}, ${n * 2})`);
        return n;
      }),
    );
    const settled = await Promise.allSettled(units);
    const rejected = settled.flatMap((s, n) => (s.status === 'rejected' ? [n] : []));
    // 77 throws in code; 150 hits the primary key 149 already holds (a database error mid-batch).
    expect(rejected).toEqual([77, 150]);
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<number>).value)).toEqual(
      Array.from({ length: 200 }, (_, n) => n).filter((n) => n !== 77 && n !== 150),
    );
    expect(rowsOf(await database.db.execute(sql`select count(*)::int as n from gc`))[0]).toEqual({ n: 198 });
    expect(rowsOf(await database.db.execute(sql`select count(*)::int as n from gc_log where twice = n * 2`))[0]).toEqual({ n: 198 });
    const stats = committer.stats();
    expect(stats.items).toBe(200);
    // Far fewer transactions than units; the batches holding 77 and 150 fell back to one transaction per unit.
    expect(stats.splits).toBeGreaterThanOrEqual(1);
    expect(stats.splits).toBeLessThanOrEqual(2);
    expect(stats.batches).toBeLessThan(200);
  });
});
