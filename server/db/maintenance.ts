/**
 * @module server/db/maintenance — VACUUM (ANALYZE) when no autovacuum does it: the embedded database, or a
 * Postgres running with autovacuum off.
 *
 * PGlite runs Postgres in single-user mode: no autovacuum worker ever starts (it reports `autovacuum = on` all the
 * same), so dead row versions pile up and no table is ever analysed, leaving the planner to guess. The server does
 * the work itself: every table shortly after start and then at a fixed interval, and the conversations table —
 * every message rewrites its row and its five indexes — each time enough messages were committed. Between passes,
 * a table that changed by more than autovacuum's analyze threshold is analysed at once (`analyzeChanged`): a
 * statement's cached generic plan is made from the statistics it finds, so one planned while the tables were empty
 * would otherwise scan them whole for every batch until the next pass. On Postgres with autovacuum on this is
 * autovacuum's job and nothing runs here (`wasap doctor` warns when it is off).
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { rowsOf } from './rows';
import type { Logger } from '../logger';

export const MAINTENANCE_FIRST_MS = 60_000;
export const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
/** Committed conversation changes between two passes over the conversations table. */
export const CONVERSATION_WRITES_PER_PASS = 20_000;
/** How often table changes are compared with the analyze threshold. */
export const ANALYZE_CHECK_MS = 2_000;
/**
 * Autovacuum's default analyze threshold: a table is analysed once more than 50 + 10 % of its rows changed since
 * its last ANALYZE (autovacuum_analyze_threshold and autovacuum_analyze_scale_factor; Postgres docs, "Routine
 * Vacuuming", 25.1.6 The Autovacuum Daemon).
 */
const ANALYZE_BASE_ROWS = 50;
const ANALYZE_SCALE = 0.1;

/** One pass over every table, or over one; returns how long it took (PGlite serves nothing else meanwhile). */
export async function runMaintenance(database: Pick<Database, 'db'>, table?: 'conversations'): Promise<number> {
  const started = performance.now();
  await database.db.execute(table ? sql`vacuum (analyze) conversations` : sql`vacuum (analyze)`);
  return performance.now() - started;
}

/**
 * ANALYZE every table of the schema whose changes since its last ANALYZE (pg_stat_user_tables.n_mod_since_analyze)
 * passed autovacuum's threshold; the new statistics also invalidate the plans cached from the old ones. Returns the
 * tables analysed (none: nothing ran but one catalog read).
 */
export async function analyzeChanged(database: Pick<Database, 'db'>): Promise<string[]> {
  const due = rowsOf<{ name: string }>(
    await database.db.execute(sql`
      select format('%I.%I', s.schemaname, s.relname) as name
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema()
        and s.n_mod_since_analyze > ${ANALYZE_BASE_ROWS} + ${ANALYZE_SCALE}::float8 * greatest(c.reltuples, 0)
      order by s.relname`),
  ).map((row) => row.name);
  // The names come quoted from the catalog (format %I), not from input.
  if (due.length) await database.db.execute(sql.raw(`analyze ${due.join(', ')}`));
  return due;
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
  /** How often changed tables are looked for and analysed (default ANALYZE_CHECK_MS). */
  analyzeCheckMs?: number;
}

/**
 * A pass after `firstMs`, then every `intervalMs`; conversations-table passes driven by writes; changed tables
 * analysed every `analyzeCheckMs`; never two at once.
 */
export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { database, logger } = options;
  if (!options.active) return { active: false, wrote() {}, stop: async () => {} };
  const writesPerPass = options.writesPerPass ?? CONVERSATION_WRITES_PER_PASS;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checker: ReturnType<typeof setTimeout> | undefined;
  let writes = 0;
  let stopped = false;

  /** Runs one piece of maintenance as `running`, so no two overlap. */
  function exclusive(work: () => Promise<void>): Promise<void> {
    running = work();
    const done = running;
    void done.then(() => {
      if (running === done) running = undefined;
    });
    return done;
  }

  function pass(table?: 'conversations'): Promise<void> {
    return exclusive(() =>
      runMaintenance(database, table).then(
        (ms) => logger.info('database maintenance', { table: table ?? 'all', ms: Math.round(ms) }),
        (error: unknown) => logger.warn('database maintenance failed', { table: table ?? 'all', err: error as Error }),
      ),
    );
  }

  /** Every `analyzeCheckMs`, unless a pass (which analyses too) is running: the tables past the threshold. */
  function checkChanged(): void {
    checker = setTimeout(() => {
      const check = running
        ? Promise.resolve()
        : exclusive(() =>
            analyzeChanged(database).then(
              (tables) => (tables.length ? logger.info('tables analysed after changes', { tables }) : undefined),
              (error: unknown) => logger.warn('analysing changed tables failed', { err: error as Error }),
            ),
          );
      void check.then(() => (stopped ? undefined : checkChanged()));
    }, options.analyzeCheckMs ?? ANALYZE_CHECK_MS);
    checker.unref?.();
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
  checkChanged();

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
      clearTimeout(checker);
      await running;
    },
  };
}
