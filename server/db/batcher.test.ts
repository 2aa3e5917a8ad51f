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

describe('batcher keys', () => {
  /** Lets every promise callback queued so far run (a batch's end, its answers and the next pump). */
  const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

  /** A batcher whose batches run until released; records each batch and the keys in flight when it started. */
  function harness(perKey: 'one' | 'many') {
    const started: string[][] = [];
    const releases: (() => void)[] = [];
    const inFlight = new Set<string>();
    let overlap = false;
    const batcher = createBatcher<string, string>({
      async many(items) {
        started.push(items);
        for (const key of new Set(items.map((i) => i[0]!))) {
          if (inFlight.has(key)) overlap = true;
          inFlight.add(key);
        }
        const { promise, resolve } = Promise.withResolvers<void>();
        releases.push(resolve);
        await promise;
        for (const i of items) inFlight.delete(i[0]!);
        return items.map((i) => `done ${i}`);
      },
      one(item) {
        return this.many([item]).then((out) => out[0]!);
      },
      concurrency: 2,
      maxBatch: 10,
      keyOf: (item) => item[0]!,
      perKey,
    });
    return { batcher, started, release: () => releases.shift()!(), overlap: () => overlap };
  }

  test("perKey 'many': a key's items share a batch, in order, and a key never has two batches in flight", async () => {
    const h = harness('many');
    const answered: string[] = [];
    const submit = (item: string) => h.batcher.submit(item).then((out) => void answered.push(out));
    const all = ['A1', 'A2', 'B1', 'A3', 'B2', 'C1'].map(submit);
    expect(h.started).toEqual([['A1'], ['B1']]);
    h.release();
    await settled();
    expect(h.started[2]).toEqual(['A2', 'A3', 'C1']);
    h.release();
    await settled();
    expect(h.started[3]).toEqual(['B2']);
    h.release();
    h.release();
    await Promise.all(all);
    expect(h.overlap()).toBe(false);
    expect(answered.filter((a) => a.startsWith('done A'))).toEqual(['done A1', 'done A2', 'done A3']);
    expect(answered.filter((a) => a.startsWith('done B'))).toEqual(['done B1', 'done B2']);
  });

  test("perKey 'one' (default): a key's items go one per batch, in order", async () => {
    const h = harness('one');
    const all = ['A1', 'A2', 'B1', 'A3'].map((item) => h.batcher.submit(item));
    expect(h.started).toEqual([['A1'], ['B1']]);
    h.release();
    await settled();
    expect(h.started[2]).toEqual(['A2']);
    h.release();
    await settled();
    h.release();
    await settled();
    expect(h.started[3]).toEqual(['A3']);
    h.release();
    await Promise.all(all);
    expect(h.overlap()).toBe(false);
  });
});
