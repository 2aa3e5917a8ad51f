/** @module server/db/maintenance.test — the embedded database is vacuumed and analysed by the server, on a schedule that stops cleanly. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { createLogger } from '../logger';
import { testDatabase } from '../../test/support/db';
import { runMaintenance, startMaintenance } from './maintenance';
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

  test('the schedule runs a pass, logs it, and stop() ends it; on Postgres it does nothing', async () => {
    await using database = await testDatabase('pglite');
    const { promise: logged, resolve } = Promise.withResolvers<Record<string, unknown>>();
    const logger = createLogger('info', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'database maintenance') resolve(entry);
    });
    const maintenance = startMaintenance({ database, logger, firstMs: 0, intervalMs: 3_600_000 });
    expect(maintenance.active).toBe(true);
    expect(typeof (await logged).ms).toBe('number');
    await maintenance.stop();

    const onPostgres = startMaintenance({ database: { ...database, kind: 'postgres' } as typeof database, logger, firstMs: 0 });
    expect(onPostgres.active).toBe(false);
    await onPostgres.stop();
  });
});
