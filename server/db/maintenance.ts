/**
 * @module server/db/maintenance — VACUUM (ANALYZE) when no autovacuum does it: the embedded database, or a
 * Postgres running with autovacuum off.
 *
 * PGlite runs Postgres in single-user mode: no autovacuum worker ever starts (it reports `autovacuum = on` all the
 * same), so dead row versions pile up and no table is ever analysed, leaving the planner to guess. The server does
 * the work itself: every table shortly after start and then at a fixed interval, and in between, every few
 * seconds, what autovacuum would do by its default rules (`autovacuumChanged`): VACUUM a table whose dead row
 * versions passed its threshold (every message rewrites its conversation's row and that row's five indexes; every
 * processed webhook leaves a dead entry in a partial index the next look-up walks), ANALYZE one whose changes did.
 * The statistics matter beyond row estimates: a statement's cached generic plan is made from the ones it finds, so
 * one planned while the tables were empty would otherwise scan them whole for every batch until the next pass. On
 * Postgres with autovacuum on this is autovacuum's job and nothing runs here (`wasap doctor` warns when it is off).
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { rowsOf } from './rows';
import type { Logger } from '../logger';

export const MAINTENANCE_FIRST_MS = 60_000;
export const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
/** How often tables are compared with autovacuum's thresholds. */
export const AUTOVACUUM_CHECK_MS = 2_000;
/**
 * Autovacuum's default thresholds (Postgres docs, "Routine Vacuuming", 25.1.6 The Autovacuum Daemon): a table is
 * vacuumed once its dead row versions pass 50 + 20 % of its rows (autovacuum_vacuum_threshold and
 * autovacuum_vacuum_scale_factor), analysed once its changes since the last ANALYZE pass 50 + 10 %
 * (autovacuum_analyze_threshold and autovacuum_analyze_scale_factor).
 */
const VACUUM_BASE_ROWS = 50;
const VACUUM_SCALE = 0.2;
const ANALYZE_BASE_ROWS = 50;
const ANALYZE_SCALE = 0.1;

/** Tables every cluster process rewrites on each heartbeat (server/cluster/leases): their upkeep is routine. */
const HEARTBEAT_TABLES = new Set(['public.shard_leases', 'public.cluster_nodes']);

/** One pass over every table; returns how long it took (PGlite serves nothing else meanwhile). */
export async function runMaintenance(database: Pick<Database, 'maintain'>): Promise<number> {
  const started = performance.now();
  await database.maintain('vacuum (analyze)');
  return performance.now() - started;
}

/** The tables one autovacuum check worked on, schema-qualified and quoted. */
export interface AutovacuumWork {
  vacuumed: string[];
  analyzed: string[];
}

interface TableStats {
  name: string;
  dead: number | string;
  changed: number | string;
  rows: number | string;
}

async function tableStats(database: Pick<Database, 'db'>, names?: string[]): Promise<TableStats[]> {
  return rowsOf<TableStats>(
    await database.db.execute(sql`
      select format('%I.%I', s.schemaname, s.relname) as name, s.n_dead_tup as dead, s.n_mod_since_analyze as changed,
             greatest(c.reltuples, 0) as rows
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema()
      order by s.relname`),
  ).filter((t) => !names || names.includes(t.name));
}

/**
 * Dead rows a VACUUM left behind, by table: rows an older snapshot (a long report, pg_dump, a session idle in a
 * transaction) can still see cannot be removed, and without this the same table would pass the threshold again at
 * every check. Only dead rows beyond these count.
 */
export type DeadLeftOver = Map<string, number>;

/**
 * The share of the time the server spends vacuuming or analysing any one table, at most: a table whose VACUUM or
 * ANALYZE took d ms is not taken up again for d × 19 ms. Autovacuum bounds its work by cost-based delays and by
 * visiting a database once a minute (autovacuum_naptime); checking every 2 s, this bounds it instead — a large
 * table that keeps passing the thresholds under load (a growing `messages`, an `outbox` updated by every send) was
 * otherwise analysed and vacuumed at every check (2.4 s of Postgres CPU in a 4 s bench step, measured here), while a
 * small one that is cheap to vacuum (the conversations every message rewrites) still is, as often as it needs.
 */
export const MAINTENANCE_DUTY = 0.05;

/** What the checks remember between runs: dead rows left over, and when each table may be taken up again (ms). */
export interface AutovacuumState {
  leftOver: DeadLeftOver;
  notBefore: Map<string, number>;
}

export function autovacuumState(): AutovacuumState {
  return { leftOver: new Map(), notBefore: new Map() };
}

/**
 * Applies autovacuum's dead-row and changed-row rules to every table of the schema, from pg_stat_user_tables:
 * VACUUM the tables whose dead rows (beyond what the last VACUUM here had to leave, updated in `state`) passed the
 * vacuum threshold — with ANALYZE when that is due too — and ANALYZE the others past the analyze threshold, one
 * table per statement, each table no more than MAINTENANCE_DUTY of the time (`now`, ms). New statistics also
 * invalidate the plans cached from the old ones. Autovacuum's insert-only and anti-wraparound vacuums are left to the
 * full pass (runMaintenance). Nothing due: one catalog read and nothing else.
 */
export async function autovacuumChanged(database: Pick<Database, 'db' | 'maintain'>, state: AutovacuumState = autovacuumState(), now: () => number = () => performance.now()): Promise<AutovacuumWork> {
  const tables = await tableStats(database);
  const due = (t: TableStats, base: number, scale: number, count: number) => count > base + scale * Number(t.rows);
  const vacuumed: string[] = [];
  const analyzed: string[] = [];
  for (const t of tables) {
    if ((state.notBefore.get(t.name) ?? -Infinity) > now()) continue;
    const vacuum = due(t, VACUUM_BASE_ROWS, VACUUM_SCALE, Number(t.dead) - (state.leftOver.get(t.name) ?? 0));
    const analyze = due(t, ANALYZE_BASE_ROWS, ANALYZE_SCALE, Number(t.changed));
    if (!vacuum && !analyze) continue;
    const started = now();
    // The name comes quoted from the catalog (format %I), not from input.
    await database.maintain(vacuum ? `vacuum ${analyze ? '(analyze) ' : ''}${t.name}` : `analyze ${t.name}`);
    const ended = now();
    state.notBefore.set(t.name, ended + (ended - started) * (1 / MAINTENANCE_DUTY - 1));
    (vacuum ? vacuumed : analyzed).push(t.name);
  }
  if (vacuumed.length) for (const t of await tableStats(database, vacuumed)) state.leftOver.set(t.name, Number(t.dead));
  return { vacuumed, analyzed };
}

/** True when nothing else vacuums this database: PGlite always, Postgres when autovacuum is off. */
export async function needsMaintenance(database: Database): Promise<boolean> {
  if (database.kind === 'pglite') return true;
  const [row] = rowsOf<{ autovacuum: string }>(await database.db.execute(sql`select current_setting('autovacuum') as autovacuum`));
  return row?.autovacuum !== 'on';
}

export interface Maintenance {
  /** False when autovacuum does the work: nothing is scheduled. */
  readonly active: boolean;
  stop(): Promise<void>;
}

export interface MaintenanceOptions {
  database: Database;
  logger: Logger;
  /** From needsMaintenance(): false makes this a no-op. */
  active: boolean;
  firstMs?: number;
  intervalMs?: number;
  /** How often tables are compared with autovacuum's thresholds (default AUTOVACUUM_CHECK_MS). */
  checkMs?: number;
}

/** A pass over every table after `firstMs`, then every `intervalMs`; autovacuum's rules every `checkMs`; never two at once. */
export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { database, logger } = options;
  if (!options.active) return { active: false, stop: async () => {} };
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checker: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const state = autovacuumState();

  /** Runs one piece of maintenance as `running`, so no two overlap. */
  function exclusive(work: () => Promise<void>): Promise<void> {
    running = work();
    const done = running;
    void done.then(() => {
      if (running === done) running = undefined;
    });
    return done;
  }

  function pass(): Promise<void> {
    // The full pass may remove what an earlier VACUUM had to leave: count from what it leaves.
    state.leftOver.clear();
    return exclusive(() =>
      runMaintenance(database).then(
        (ms) => logger.info('database maintenance', { table: 'all', ms: Math.round(ms) }),
        (error: unknown) => logger.warn('database maintenance failed', { table: 'all', err: error as Error }),
      ),
    );
  }

  /** Info when a data table was worked on; debug when only the cluster's heartbeat tables were (every few seconds). */
  function logDone(done: AutovacuumWork): void {
    const tables = [...done.vacuumed, ...done.analyzed];
    if (tables.length === 0) return;
    const level = tables.every((t) => HEARTBEAT_TABLES.has(t)) ? 'debug' : 'info';
    logger[level]('tables vacuumed or analysed after changes', { ...done });
  }

  /** Every `checkMs`, unless a pass (which does all of it) is running: autovacuum's work on the tables due. */
  function check(): void {
    checker = setTimeout(() => {
      const work = running
        ? Promise.resolve()
        : exclusive(() =>
            autovacuumChanged(database, state).then(
              (done) => logDone(done),
              (error: unknown) => logger.warn('vacuuming or analysing changed tables failed', { err: error as Error }),
            ),
          );
      void work.then(() => (stopped ? undefined : check()));
    }, options.checkMs ?? AUTOVACUUM_CHECK_MS);
    // Never what keeps the process alive: a server stopping while it starts must still exit.
    checker.unref?.();
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void (running ?? Promise.resolve()).then(() => (stopped ? undefined : pass())).then(() => schedule(options.intervalMs ?? MAINTENANCE_INTERVAL_MS));
    }, ms);
    timer.unref?.();
  }
  schedule(options.firstMs ?? MAINTENANCE_FIRST_MS);
  check();

  return {
    active: true,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(checker);
      await running;
    },
  };
}
