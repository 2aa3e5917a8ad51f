/**
 * @module bench/lib/ingest-server — the system under test for the ingest benchmark: the real server process
 * (`bun server/main.ts`) on a fresh Postgres database or a temporary PGlite folder, a signed-in admin, and a fake Twilio.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createSession } from '../../server/auth/sessions';
import { openDatabase } from '../../server/db/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { rowsOf } from '../../server/db/rows';
import { hashPassword } from '../../server/services/users';
import { freshPostgresUrl } from '../../test/support/db';
import { startFakeTwilio, type FakeTwilio } from '../../test/support/fake-twilio';
import { startCountingProxy, type CountingProxy } from './ingest-pgproxy';

export type IngestDriver = 'postgres' | 'pglite';

export const BENCH_PUBLIC_URL = 'http://wasap.bench';
export const BENCH_AGENCY_NUMBER = '+14155238886';
/**
 * The server's send pace in the bench: Meta's highest per-number throughput (Cloud API, 1,000 messages/s after its
 * automatic upgrade; Twilio's WhatsApp senders top out at 50/s), so the outbox sends as fast as any agency's number can.
 */
export const BENCH_MAX_MPS = 1000;

export interface IngestSystem extends AsyncDisposable {
  readonly driver: IngestDriver;
  readonly url: string;
  readonly pid: number;
  /** Postgres only: the bench database, for pgbench and the counters. */
  readonly databaseUrl?: string;
  readonly sessionToken: string;
  readonly twilio: FakeTwilio;
  /** Server output lines (warnings and errors at LOG_LEVEL=warn). */
  readonly lines: string[];
  /** With `countRoundTrips`: the proxy between the server and Postgres. */
  readonly proxy?: CountingProxy;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where to create the bench database; default BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server. */
  adminUrl?: string;
  /** Write a CPU profile (Bun --cpu-prof, plus its markdown summary) of the server into this folder. */
  profileDir?: string;
  /** Run `server/main.ts` from this tree instead of this one (BENCH_SERVER_ROOT): e.g. an older commit for a before/after. */
  serverRoot?: string;
  /** Postgres only: put a counting proxy between the server and Postgres (it costs latency: not for rate runs). */
  countRoundTrips?: boolean;
}

export function adminDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

const ROOT = join(import.meta.dir, '..', '..');

/**
 * Migrates and creates an admin with a session before the server starts (PGlite allows one process per folder).
 * The schema is the server tree's own (`serverRoot`/migrations): an older tree measured for a before/after runs on
 * the tables and indexes it had, not on this tree's (an index added since would tax its writes too).
 */
async function seedAdmin(target: { databaseUrl?: string; pgliteDir?: string }, serverRoot: string): Promise<string> {
  const database = await openDatabase({ ...target, role: 'the ingest benchmark (seeding)', maxConnections: 1 });
  try {
    if (serverRoot === ROOT || !target.databaseUrl) await database.migrate();
    else await migrateAs(target.databaseUrl, join(serverRoot, 'migrations'));
    const hash = await hashPassword('bench-password-1234');
    // Plain SQL, not this tree's users table: the other tree's may lack columns added since.
    const [user] = rowsOf<{ id: number }>(
      await database.db.execute(sql`insert into users (email, name, role, password_hash) values ('bench@wasap.bench', 'Bench Admin', 'admin', ${hash}) returning id`),
    );
    return (await createSession(database.db, Number(user!.id), new Date())).token;
  } finally {
    await database.close();
  }
}

/** Applies another tree's migrations folder to a Postgres database. */
async function migrateAs(url: string, migrationsFolder: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.end();
  }
}

/** Keeps the server's output lines (few at LOG_LEVEL=warn) for the report. */
function spawnServer(args: string[], env: Record<string, string>, cwd: string) {
  const proc = Bun.spawn([process.execPath, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const lines: string[] = [];
  async function collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) lines.push(...decoder.decode(part.value).split('\n').filter(Boolean));
  }
  const exited = Promise.all([collect(proc.stdout), collect(proc.stderr)]).then(() => proc.exited);
  return { proc, lines, exited };
}

/** The server logs its port only at info level; the bench runs it at warn, so it picks a free port first. */
function freePort(): number {
  const probe = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
  const port = probe.port ?? 0;
  probe.stop(true);
  return port;
}

async function waitReady(url: string, exited: Promise<unknown>, lines: string[]): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (gone) throw new Error(`the server exited during start-up:\n${lines.join('\n')}`);
    const ok = await fetch(url + '/readyz').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(50);
  }
  throw new Error(`the server was not ready within 120 s:\n${lines.join('\n')}`);
}

export async function startIngestSystem(driver: IngestDriver, options: StartOptions = {}): Promise<IngestSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wasap-bench-'));
  const database = driver === 'postgres' ? await freshPostgresUrl(options.adminUrl ?? adminDatabaseUrl(), 'wasap_bench') : undefined;
  const twilio = startFakeTwilio();
  const proxy = database && options.countRoundTrips ? await startCountingProxy(database.url) : undefined;
  async function cleanup(): Promise<void> {
    await twilio.stop();
    proxy?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  try {
    const serverRoot = options.serverRoot ?? process.env.BENCH_SERVER_ROOT ?? ROOT;
    const sessionToken = await seedAdmin(database ? { databaseUrl: database.url } : { pgliteDir: join(dataDir, 'pg') }, serverRoot);
    const port = freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: BENCH_PUBLIC_URL,
      WASAP_DATA_DIR: dataDir,
      WASAP_SECRET: 'bench-secret-' + crypto.randomUUID(),
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_WHATSAPP_FROM: `whatsapp:${BENCH_AGENCY_NUMBER}`,
      TWILIO_API_URL: twilio.url,
      TWILIO_MAX_MPS: String(BENCH_MAX_MPS),
      ...(database ? { DATABASE_URL: proxy?.url ?? database.url } : {}),
    };
    const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${options.profileDir}`] : [];
    const child = spawnServer([...profile, 'server/main.ts'], env, serverRoot);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child.exited, child.lines);
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        if (child.proc.exitCode === null) child.proc.kill('SIGTERM');
        await child.exited;
        await cleanup();
      })());
    return { driver, url, pid: child.proc.pid, databaseUrl: database?.url, sessionToken, twilio, lines: child.lines, proxy, stop, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

const CLOCK_TICKS = 100;

function processCpuSeconds(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += processCpuSeconds(pid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/** CPU seconds of the server, of every Postgres process, and of the whole machine (busy, all cores). */
export interface CpuSample {
  at: number;
  server: number;
  postgres: number;
  machineBusy: number;
}

export function sampleCpu(serverPid: number): CpuSample {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const ticks = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const busy = ticks.reduce((a, b) => a + b, 0) - idle;
  return { at: performance.now(), server: processCpuSeconds(serverPid), postgres: postgresCpuSeconds(), machineBusy: busy / CLOCK_TICKS };
}

/** Cores in use over the interval, per consumer. */
export function cpuBetween(a: CpuSample, b: CpuSample): { server: number; postgres: number; machine: number } {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  // Processes that exit during the interval (other users' Postgres backends) can make a sum shrink: never below zero.
  const cores = (x: number) => Math.max(0, Math.round((x / seconds) * 100) / 100);
  return { server: cores(b.server - a.server), postgres: cores(b.postgres - a.postgres), machine: cores(b.machineBusy - a.machineBusy) };
}

/** Transactions and row writes in the bench database, from Postgres' statistics views. */
export interface DbCounters {
  commits: number;
  inserted: number;
  updated: number;
  byTable: Record<string, { ins: number; upd: number }>;
}

export async function readDbCounters(databaseUrl: string): Promise<DbCounters> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // Backends report their statistics at most once a second; asking for a fresh snapshot still sees that delay.
    const [db] = await sql`select xact_commit::bigint as commits, tup_inserted::bigint as inserted, tup_updated::bigint as updated
      from pg_stat_database where datname = current_database()`;
    const tables = await sql`select relname, n_tup_ins::bigint as ins, n_tup_upd::bigint as upd from pg_stat_user_tables where schemaname = 'public'`;
    const byTable: DbCounters['byTable'] = {};
    for (const t of tables) byTable[t.relname as string] = { ins: Number(t.ins), upd: Number(t.upd) };
    return { commits: Number(db!.commits), inserted: Number(db!.inserted), updated: Number(db!.updated), byTable };
  } finally {
    await sql.end();
  }
}
