/** @module server/db/maintenance.test — the embedded database is vacuumed and analysed by the server, on a schedule that stops cleanly. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { createLogger } from '../logger';
import { testDatabase } from '../../test/support/db';
import postgres from 'postgres';
import { autovacuumChanged, autovacuumState, MAINTENANCE_DUTY, needsMaintenance, runMaintenance, startMaintenance } from './maintenance';
import { drivers } from '../../test/support/db';
import { rowsOf } from './rows';

async function tableStats(database: Awaited<ReturnType<typeof testDatabase>>) {
  return rowsOf<{ reltuples: number; relpages: number }>(await database.db.execute(sql`select reltuples, relpages from pg_class where relname = 'churn'`))[0]!;
}

describe('database maintenance (PGlite)', () => {
  test('a pass analyses tables the embedded database never would (reltuples goes from unknown to the row count)', async () => {
    await using database = await testDatabase('pglite');
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await database.db.execute(sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    for (let i = 0; i < 5; i++) await database.db.execute(sql`update churn set v = v + 1`);
    expect(Number((await tableStats(database)).reltuples)).toBe(-1);
    expect(await runMaintenance(database)).toBeGreaterThanOrEqual(0);
    const after = await tableStats(database);
    expect(Number(after.reltuples)).toBe(500);
    expect(Number(after.relpages)).toBeGreaterThan(0);
  });

  test('the schedule runs a pass, logs it, and stop() ends it; with autovacuum at work it does nothing', async () => {
    await using database = await testDatabase('pglite');
    const { promise: logged, resolve } = Promise.withResolvers<Record<string, unknown>>();
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'database maintenance') resolve(entry);
    });
    expect(await needsMaintenance(database)).toBe(true);
    const maintenance = startMaintenance({ database, logger, active: true, firstMs: 0, intervalMs: 3_600_000 });
    expect(maintenance.active).toBe(true);
    expect(await logged).toMatchObject({ table: 'all', ms: expect.any(Number) });
    await maintenance.stop();

    const autovacuumed = startMaintenance({ database, logger, active: false, firstMs: 0 });
    expect(autovacuumed.active).toBe(false);
    await autovacuumed.stop();
  });

  test("the schedule applies autovacuum's rules every few seconds and logs what it did", async () => {
    await using database = await testDatabase('pglite');
    const { promise: logged, resolve } = Promise.withResolvers<Record<string, unknown>>();
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'tables vacuumed or analysed after changes') resolve(entry);
    });
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into churn select g, 0 from generate_series(1, 500) g`);
      await tx.execute(sql`select pg_stat_force_next_flush()`);
    });
    const maintenance = startMaintenance({ database, logger, active: true, firstMs: 3_600_000, checkMs: 1 });
    expect(await logged).toMatchObject({ vacuumed: [], analyzed: ['public.churn'] });
    await maintenance.stop();
    expect(Number((await tableStats(database)).reltuples)).toBe(500);
  });

  test.skipIf(!process.env.TEST_DATABASE_URL)('on Postgres it runs only when autovacuum is off (needs TEST_DATABASE_URL)', async () => {
    await using database = await testDatabase('postgres');
    const [row] = rowsOf<{ autovacuum: string }>(await database.db.execute(sql`select current_setting('autovacuum') as autovacuum`));
    expect(await needsMaintenance(database)).toBe(row!.autovacuum !== 'on');
  });
});

describe.each(drivers)("autovacuum's rules, applied by the server (%s)", (driver) => {
  /** Writes in one transaction that also flushes this backend's table counters, so pg_stat_user_tables has them on return. */
  /** autovacuumChanged on a clock that only moves while a statement runs, each one taking `statementMs`. */
  function timedChecks(database: Awaited<ReturnType<typeof testDatabase>>, statementMs: number) {
    const c = {
      clock: 0,
      state: autovacuumState(),
      check: () => autovacuumChanged(timed, c.state, () => c.clock),
    };
    const timed = {
      db: database.db,
      maintain: async (statement: string) => {
        c.clock += statementMs;
        await database.maintain(statement);
      },
    };
    return c;
  }

  async function write(database: Awaited<ReturnType<typeof testDatabase>>, statement: ReturnType<typeof sql>) {
    await database.db.transaction(async (tx) => {
      await tx.execute(statement);
      await tx.execute(sql`select pg_stat_force_next_flush()`);
    });
  }

  test("a table is analysed once its changes pass autovacuum's threshold (50 rows + 10 %), and not before", async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await write(database, sql`insert into churn select g, 0 from generate_series(1, 500) g`);

    expect(await autovacuumChanged(database)).toEqual({ vacuumed: [], analyzed: ['public.churn'] });
    expect(Number((await tableStats(database)).reltuples)).toBe(500);
    expect(await autovacuumChanged(database)).toEqual({ vacuumed: [], analyzed: [] });

    // The threshold is now 50 + 50 rows: 90 changed rows are not enough, 110 are.
    await write(database, sql`update churn set v = 1 where id <= 90`);
    expect(await autovacuumChanged(database)).toEqual({ vacuumed: [], analyzed: [] });
    await write(database, sql`update churn set v = 1 where id <= 20`);
    expect(await autovacuumChanged(database)).toEqual({ vacuumed: [], analyzed: ['public.churn'] });
  });

  test("a table is vacuumed once its dead rows pass autovacuum's threshold (50 rows + 20 %), which takes them away", async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await write(database, sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    await autovacuumChanged(database);

    // 500 rows: 150 dead are enough (50 + 100).
    await write(database, sql`delete from churn where id <= 160`);
    expect(await autovacuumChanged(database)).toEqual({ vacuumed: ['public.churn'], analyzed: [] });
    const [dead] = rowsOf<{ n_dead_tup: number | string }>(await database.db.execute(sql`select n_dead_tup from pg_stat_user_tables where relname = 'churn'`));
    expect(Number(dead!.n_dead_tup)).toBe(0);
    expect(Number((await tableStats(database)).reltuples)).toBe(340);
  });

  test('a table is not taken up again until its last VACUUM or ANALYZE is MAINTENANCE_DUTY of the time since it began', async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await write(database, sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    const c = timedChecks(database, 100);
    expect((await c.check()).analyzed).toEqual(['public.churn']);
    const rest = 100 * (1 / MAINTENANCE_DUTY - 1);
    expect(c.state.notBefore.get('public.churn')).toBe(c.clock + rest);

    await write(database, sql`delete from churn where id <= 160`);
    c.clock += rest - 1;
    expect(await c.check()).toEqual({ vacuumed: [], analyzed: [] });
    c.clock += 1;
    expect(await c.check()).toEqual({ vacuumed: ['public.churn'], analyzed: [] });
  });

  test.skipIf(driver !== 'postgres')('dead rows an older snapshot keeps are left to it: the table is not vacuumed again at every check', async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await write(database, sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    await autovacuumChanged(database);
    // A session that still sees the deleted rows (a long report, pg_dump): VACUUM cannot remove them.
    const reader = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await reader.begin('isolation level repeatable read', async (tx) => {
        await tx`select count(*) from churn`;
        await write(database, sql`delete from churn where id <= 160`);
        const state = autovacuumState();
        expect((await autovacuumChanged(database, state)).vacuumed).toEqual(['public.churn']);
        expect(state.leftOver.get('public.churn')).toBe(160);
        state.notBefore.clear();
        expect((await autovacuumChanged(database, state)).vacuumed).toEqual([]);
      });
    } finally {
      await reader.end();
    }
  });

  test.skipIf(driver !== 'postgres')('on Postgres vacuuming is paced on a connection of its own, and the pace stays with it', async () => {
    await using database = await testDatabase(driver);
    await database.db.execute(sql`create table churn (id int primary key, v int)`);
    await write(database, sql`insert into churn select g, 0 from generate_series(1, 500) g`);
    await database.maintain(`vacuum (analyze) public.churn`);
    expect(Number((await tableStats(database)).reltuples)).toBe(500);
    // Every pooled connection, the one that ran it included, is back at the default (no pacing for other work).
    const shown = await Promise.all(Array.from({ length: 20 }, () => database.db.execute(sql`select current_setting('vacuum_cost_delay') as d, pg_sleep(0.01)`)));
    expect(new Set(shown.map((r) => String(rowsOf<{ d: string }>(r)[0]!.d)))).toEqual(new Set(['0']));
  });
});
