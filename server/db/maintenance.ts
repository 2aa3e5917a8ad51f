/**
 * @module server/db/maintenance — VACUUM (ANALYZE) for the embedded database, which has no autovacuum.
 *
 * PGlite runs Postgres in single-user mode: no autovacuum worker ever starts (it reports `autovacuum = on` all the
 * same), so dead row versions pile up — every message updates its conversation's row and indexes — and no table is
 * ever analysed, leaving the planner to guess. The server does the work itself: once shortly after start, then at
 * a fixed interval. On Postgres that is autovacuum's job (`wasap doctor` warns when it is off).
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import type { Logger } from '../logger';

export const MAINTENANCE_FIRST_MS = 60_000;
export const MAINTENANCE_INTERVAL_MS = 15 * 60_000;

/** One pass over every table; returns how long it took (the embedded database serves nothing else meanwhile). */
export async function runMaintenance(database: Pick<Database, 'db'>): Promise<number> {
  const started = performance.now();
  await database.db.execute(sql`vacuum (analyze)`);
  return performance.now() - started;
}

export interface Maintenance {
  /** False on Postgres: nothing is scheduled. */
  readonly active: boolean;
  stop(): Promise<void>;
}

/** For PGlite only: a pass after `firstMs`, then every `intervalMs`; never two at once; stop() waits for a running one. */
export function startMaintenance(options: { database: Database; logger: Logger; firstMs?: number; intervalMs?: number }): Maintenance {
  const { database, logger } = options;
  if (database.kind !== 'pglite') return { active: false, stop: async () => {} };
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runMaintenance(database).then(
        (ms) => logger.info('database maintenance', { ms: Math.round(ms) }),
        (error: unknown) => logger.warn('database maintenance failed', { err: error as Error }),
      );
      void running.then(() => {
        running = undefined;
        schedule(options.intervalMs ?? MAINTENANCE_INTERVAL_MS);
      });
    }, ms);
  }
  schedule(options.firstMs ?? MAINTENANCE_FIRST_MS);
  return {
    active: true,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
