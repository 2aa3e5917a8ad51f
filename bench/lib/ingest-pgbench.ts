/**
 * @module bench/lib/ingest-pgbench — the ingest baseline: pgbench running our message row's single-row INSERT
 * (same columns, defaults and indexes, in a scratch schema of the bench database) at a given concurrency.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

export interface PgbenchResult {
  clients: number;
  seconds: number;
  tps: number;
  latencyMs: number;
  /** The command line as run, with the database URL. */
  command: string;
}

/** `LIKE … INCLUDING ALL` copies the identity, defaults, NOT NULLs and indexes (the unique provider_sid too), not the foreign key. */
const SETUP = `
  create schema if not exists bench;
  drop table if exists bench.messages;
  create table bench.messages (like public.messages including all);
`;

/** One autocommitted INSERT … RETURNING id, as the actor's message row, with a unique provider sid like Twilio's. */
const SCRIPT = `\\set cid random(1, 100)
insert into bench.messages (conversation_id, sender, body, status, provider_sid) values (:cid, 'aspirant', 'Buenas tardes', 'received', 'SM' || md5(random()::text || clock_timestamp()::text)) returning id;
`;

export class PgbenchError extends Error {
  code = 'PGBENCH_FAILED' as const;
}

export async function pgbenchInsert(databaseUrl: string, clients: number, seconds: number): Promise<PgbenchResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(SETUP);
  } finally {
    await sql.end();
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasap-pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, SCRIPT);
  const threads = Math.min(2, clients);
  const args = ['pgbench', '-n', '-f', script, '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-M', 'prepared', databaseUrl];
  try {
    const proc = Bun.spawn(args, { stdout: 'pipe', stderr: 'pipe' });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const tps = /tps = ([\d.]+)/.exec(out);
    const latency = /latency average = ([\d.]+) ms/.exec(out);
    if (code !== 0 || !tps) throw new PgbenchError(`pgbench exited ${code}: ${err.trim() || out.trim()}`);
    return { clients, seconds, tps: Math.round(Number(tps[1])), latencyMs: Number(latency?.[1] ?? 0), command: args.join(' ').replace(script, 'insert.sql') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
