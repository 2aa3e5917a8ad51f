/** @module server/db/group-commit.test — batches share a transaction, resolve only after COMMIT, and one failure does not sink the rest. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import { createGroupCommitter } from './group-commit';

describe('group commit', () => {
  test('concurrent units share transactions; a failing unit is isolated and rejected alone', async () => {
    await using database = await testDatabase();
    await database.db.execute(sql`create table gc (n int primary key)`);
    const committer = createGroupCommitter(database.db, { concurrency: 1, maxBatch: 50 });
    const units = Array.from({ length: 200 }, (_, n) =>
      committer.run(async (tx) => {
        if (n === 77) throw new Error('unit 77 fails');
        await tx.execute(sql`insert into gc (n) values (${n})`);
        return n;
      }),
    );
    const settled = await Promise.allSettled(units);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(['unit 77 fails']);
    const rows = await database.db.execute(sql`select count(*)::int as n from gc`);
    expect((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0]).toEqual({ n: 199 });
    const stats = committer.stats();
    expect(stats.units).toBe(200);
    // Far fewer transactions than units (the batch with unit 77 fell back to one transaction per unit).
    expect(stats.fallbacks).toBe(1);
    expect(stats.transactions).toBeLessThan(200);
  });
});
