/**
 * @module server/db/maintenance — VACUUM (ANALYZE) when no autovacuum does it: the embedded database, or a
 * Postgres running with autovacuum off.
 *
 * PGlite runs Postgres in single-user mode: no autovacuum worker ever starts (it reports `autovacuum = on` all the
 * same), so dead row versions pile up and no table is ever analysed, leaving the planner to guess. The server does
 * the work itself: every table shortly after start and then at a fixed interval, and the conversations table —
 * every message rewrites its row and its five indexes — each time enough messages were committed. On Postgres with
 * autovacuum on this is autovacuum's job and nothing runs here (`wasap doctor` warns when it is off).
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { rowsOf } from './rows';
import type { Logger } from '../logger';

export const MAINTENANCE_FIRST_MS = 60_000;
export const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
/** Committed conversation changes between two passes over the conversations table. */
export const CONVERSATION_WRITES_PER_PASS = 20_000;

/** One pass over every table, or over one; returns how long it took (PGlite serves nothing else meanwhile). */
export async function runMaintenance(database: Pick<Database, 'db'>, table?: 'conversations'): Promise<number> {
  const started = performance.now();
  await database.db.execute(table ? sql`vacuum (analyze) conversations` : sql`vacuum (analyze)`);
  return performance.now() - started;
}

/** True when nothing else vacuums this database: PGlite always, Postgres when autovacuum is off. */
export async function needsMaintenance(database: Database): Promise<boolean> {
  if (database.kind === 'pglite') return true;
  const [row] = rowsOf<{ autovacuum: string }>(await database.db.execute(sql`select current_setting('autovacuum') as autovacuum`));
  return row?.autovacuum !== 'on';
}

export interface Maintenance {
  /** False when autovacuum does the work: nothing is scheduled and `wrote` does nothing. */
  readonly active: boolean;
  /** Counts committed conversation changes; every `writesPerPass` of them the conversations table gets a pass. */
  wrote(count?: number): void;
  stop(): Promise<void>;
}

export interface MaintenanceOptions {
  database: Database;
  logger: Logger;
  /** From needsMaintenance(): false makes this a no-op. */
  active: boolean;
  firstMs?: number;
  intervalMs?: number;
  writesPerPass?: number;
}

/** A pass after `firstMs`, then every `intervalMs`, plus table passes driven by writes; never two at once. */
export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { database, logger } = options;
  if (!options.active) return { active: false, wrote() {}, stop: async () => {} };
  const writesPerPass = options.writesPerPass ?? CONVERSATION_WRITES_PER_PASS;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writes = 0;
  let stopped = false;

  function pass(table?: 'conversations'): Promise<void> {
    running = runMaintenance(database, table).then(
      (ms) => logger.info('database maintenance', { table: table ?? 'all', ms: Math.round(ms) }),
      (error: unknown) => logger.warn('database maintenance failed', { table: table ?? 'all', err: error as Error }),
    );
    const done = running;
    void done.then(() => {
      if (running === done) running = undefined;
    });
    return done;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void (running ?? Promise.resolve()).then(() => (stopped ? undefined : pass())).then(() => schedule(options.intervalMs ?? MAINTENANCE_INTERVAL_MS));
    }, ms);
    // Never what keeps the process alive: a server stopping while it starts must still exit.
    timer.unref?.();
  }
  schedule(options.firstMs ?? MAINTENANCE_FIRST_MS);

  return {
    active: true,
    wrote(count = 1) {
      writes += count;
      if (writes < writesPerPass || running || stopped) return;
      writes = 0;
      void pass('conversations');
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
