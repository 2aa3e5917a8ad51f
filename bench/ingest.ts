#!/usr/bin/env bun
/**
 * @module bench/ingest — the ingest scenario: signed Twilio webhooks → durable row → actor → message committed →
 * row fragment on an admin's /live socket, against the real server process; pgbench's single-row INSERT as baseline.
 *
 *   bun bench/ingest.ts [--driver postgres|pglite] [--quick] [--profile] [--cluster]
 *
 * `--cluster` runs Postgres (server and pgbench alike) on a throwaway cluster of the bench's own with Postgres's
 * stock settings — autovacuum on, as a deployment runs it — instead of BENCH_DATABASE_URL / TEST_DATABASE_URL (this
 * machine's shared cluster runs with autovacuum off, so the server does autovacuum's work itself: server/db/maintenance).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { measureRoundTrips, type Accounting } from './lib/ingest-accounting';
import { pgbenchInsert, type PgbenchResult } from './lib/ingest-pgbench';
import { formatResult, ratio, row } from './lib/ingest-report';
import { startPgCluster } from '../test/support/pg-cluster';
import { SLOT_MARGIN_MS } from '../server/jobs/send-pace';
import { BENCH_MAX_MPS, startIngestSystem, type IngestDriver, type IngestSystem } from './lib/ingest-server';
import { describeStep, findMaxRate, firstMessageConversations, runStep, type StepResult } from './lib/ingest-steps';

export interface IngestOptions extends ScenarioOptions {
  driver: IngestDriver;
  /** Write a Bun CPU profile of the server (and its markdown summary) into this folder. */
  profileDir?: string;
}

interface Plan {
  stepMs: number;
  bisections: number;
  maxSteps: number;
  bigN: number;
  pgbenchSeconds: number;
  accounting: boolean;
}

const FULL: Plan = { stepMs: 4000, bisections: 2, maxSteps: 5, bigN: 10_000, pgbenchSeconds: 10, accounting: true };
const QUICK: Plan = { stepMs: 1500, bisections: 0, maxSteps: 2, bigN: 1_000, pgbenchSeconds: 3, accounting: false };
/** The server's Postgres pool (server/db/client.ts, max 10): the most statements it can have in flight at once. */
const POOL_SIZE = 10;

type Rows = Record<string, string | number>[];

async function latencyAt(
  system: IngestSystem,
  driver: string,
  conversations: number,
  max: number,
  stepMs: number,
  warmup: boolean,
  rows: Rows,
  log: (l: string) => void,
): Promise<StepResult | undefined> {
  if (max <= 0) return undefined;
  const rate = Math.max(1, Math.round(max / 2));
  const n = warmup ? conversations : firstMessageConversations(conversations, rate, stepMs);
  const step = await runStep(system, { conversations: n, rate, durationMs: stepMs, warmup });
  log(describeStep(step));
  rows.push(row(driver, '50% of max', n, step.measured, step));
  return step;
}

async function searchRows(system: IngestSystem, driver: string, conversations: number, start: number, plan: Plan, warmup: boolean, rows: Rows, log: (l: string) => void) {
  const search = await findMaxRate(system, { conversations, start, stepMs: plan.stepMs, bisections: plan.bisections, maxSteps: plan.maxSteps, warmup, log });
  for (const step of search.steps) {
    if (step.warmup && conversations >= 100) rows.push(row(driver, 'first msgs (warm-up)', conversations, step.warmup, step));
    rows.push(row(driver, step === search.best ? 'search: MAX held' : step.sustained ? 'search: held' : 'search: not held', step.conversations, step.measured, step));
  }
  return search;
}

function accountingNotes(a: Accounting): string[] {
  const f = (p: Accounting['existing']) => `${p.roundTrips} round trips, ${p.statements} statements, ${p.transactions} BEGINs`;
  return [
    `Database work per message, counted on the wire by a proxy (postgres): existing conversation ${f(a.existing)}; a conversation's first message (with the bot's welcome, its send and outcome) ${f(a.first)}; idle polling ${a.idlePerSecond.roundTrips} round trips/s (subtracted).`,
  ];
}

/** First messages (every message a new conversation's) against follow-ups, both from this run. */
interface FirstMessages {
  conversations: number;
  max: number;
  half?: StepResult;
}

function targetRatios(driver: IngestDriver, max: number, half: StepResult | undefined, late: number, pgbench?: PgbenchResult, first?: FirstMessages) {
  const ratios = [];
  if (first && max > 0) {
    ratios.push(ratio(`first messages (N=${first.conversations}) max / follow-up max (N=100), same run (${first.max}/s / ${max}/s)`, first.max / max, '>= 0.5', first.max / max >= 0.5));
    const firstP99 = first.half?.measured.e2eMs.p99 ?? Number.NaN;
    ratios.push(ratio(`first messages: e2e p99 ms at 50% of their max`, firstP99, '<= 100', firstP99 <= 100));
  }
  if (pgbench) ratios.push(ratio(`ingest max (N=100) / pgbench single-row INSERT at c=${pgbench.clients} (${pgbench.tps} tps)`, max / pgbench.tps, '>= 1.0', max >= pgbench.tps));
  ratios.push(ratio(`${driver}: max sustained messages/s (N=100)`, max, '>= 1000', max >= 1000));
  const p99 = half?.measured.e2eMs.p99 ?? Number.NaN;
  ratios.push(ratio(`${driver}: e2e p99 ms at 50% of max (N=100)`, p99, '<= 50', p99 <= 50));
  ratios.push(ratio(`${driver}: webhooks answered after 1 s, runs at or below max`, late, '= 0', late === 0));
  return ratios;
}

export async function runIngest(options: ScenarioOptions & { driver: IngestDriver; profileDir?: string }): Promise<ScenarioResult> {
  const { driver } = options;
  const plan = options.quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`[ingest ${driver}] ${line}\n`);
  const rows: Rows = [];
  const notes: string[] = [];
  let pgbench: PgbenchResult | undefined;
  const system = await startIngestSystem(driver, { profileDir: options.profileDir });
  let max = 0;
  let half: StepResult | undefined;
  let first: FirstMessages | undefined;
  const heldSteps: StepResult[] = [];
  try {
    // Warms the JIT and the connection pool; not reported.
    await runStep(system, { conversations: 100, rate: 200, durationMs: 1000, warmup: true });
    const search = await searchRows(system, driver, 100, driver === 'postgres' ? 1000 : 500, plan, true, rows, log);
    max = search.rate;
    if (search.best) heldSteps.push(search.best);
    half = await latencyAt(system, driver, 100, max, plan.stepMs, true, rows, log);
    if (half) heldSteps.push(half);
    if (driver === 'postgres') {
      const one = await searchRows(system, driver, 1, Math.max(50, max / 2), { ...plan, bisections: Math.min(1, plan.bisections), maxSteps: Math.min(3, plan.maxSteps) }, true, rows, log);
      const oneHalf = await latencyAt(system, driver, 1, one.rate, plan.stepMs, true, rows, log);
      // Every message a conversation's first: heavier, so the search starts at a quarter of the follow-up maximum (and can reach it).
      const big = await searchRows(system, driver, plan.bigN, Math.max(50, max / 4), { ...plan, bisections: Math.min(1, plan.bisections), maxSteps: Math.min(3, plan.maxSteps) }, false, rows, log);
      const bigHalf = await latencyAt(system, driver, plan.bigN, big.rate, plan.stepMs, false, rows, log);
      first = { conversations: plan.bigN, max: big.rate, half: bigHalf };
      // Each first message sends the bot's welcome, paced at BENCH_MAX_MPS per 1,000 ms + SLOT_MARGIN_MS: a step
      // above that pace ends with more than 5 % of its welcomes unsent, so first messages cannot hold more than it.
      const sendPace = Math.floor((BENCH_MAX_MPS * 1000) / (1000 + SLOT_MARGIN_MS));
      notes.push(
        `First messages each send the bot's welcome, paced at TWILIO_MAX_MPS=${BENCH_MAX_MPS} (Meta's highest per-number throughput): no step above ${sendPace}/s can hold` +
          (max / 2 > sendPace ? `, so half the follow-up max (${max / 2}/s) is out of their reach in this run; their max is ${Math.round((big.rate / sendPace) * 100)} % of that pace.` : '.'),
      );
      heldSteps.push(...[one.best, oneHalf, big.best, bigHalf].filter((s): s is StepResult => s !== undefined));
      notes.push(`N=1 is one conversation: its actor handles one event at a time by design, so its maximum (${one.rate}/s) is one commit's latency, not the server's capacity.`);
      notes.push(
        `N=${plan.bigN}: distinct senders and no warm-up, so each message is a conversation's first (conversation and aspirant rows, the bot's welcome in the outbox, its send to the fake Twilio and the send's outcome) — the heaviest path; the ${plan.bigN} conversations are not all reached within a step.`,
      );
      pgbench = await pgbenchInsert(system.databaseUrl!, POOL_SIZE, plan.pgbenchSeconds);
      rows.push({
        driver,
        run: `pgbench INSERT c=${POOL_SIZE}`,
        N: 0,
        'target/s': 0,
        'sent/s': pgbench.tps,
        'done/s': pgbench.tps,
        sent: 0,
        failed: 0,
        'late>1s': 0,
        lost: 0,
        unsent: 0,
        'hook p50': 0,
        'hook p99': 0,
        'hook max': 0,
        'e2e p50': pgbench.latencyMs,
        'e2e p99': 0,
        'e2e p99.9': 0,
        'e2e max': 0,
        'cpu srv': 0,
        'cpu pg': 0,
        'cpu all': 0,
      });
      notes.push(
        `Baseline: ${pgbench.command} (script: one INSERT … RETURNING id into a copy of messages with the same defaults and indexes, autocommit) → ${pgbench.tps} tps, ${pgbench.latencyMs} ms average. c=${POOL_SIZE} because the server's Postgres pool has ${POOL_SIZE} connections: it cannot have more statements in flight.`,
      );
    } else {
      notes.push('PGlite: no pgbench baseline (pgbench cannot reach an embedded database); N=100 only.');
    }
    const errors = system.lines.filter((l) => l.includes('"level":"error"'));
    if (errors.length) notes.push(`The server logged ${errors.length} error lines, e.g. ${errors[0]!.slice(0, 300)}`);
  } finally {
    await system.stop();
  }
  if (driver === 'postgres' && plan.accounting) notes.push(...accountingNotes(await measureRoundTrips()));
  notes.push(
    'Latencies count from each message\'s scheduled send time (open loop), in ms; e2e = webhook sent → its conversation row fragment received on the admin\'s /live socket. "done/s" = fragments received per second up to the last one; "unsent" = outbound messages (the bot\'s welcomes) still in the outbox when the step ended — a step held keeps it under 5 % of its messages, and the next step waits (up to 60 s) for an empty outbox; Postgres only (PGlite has no second connection to ask). cpu = cores busy (server process, all Postgres processes, whole machine, which other users of this machine share).',
  );
  const late = heldSteps.reduce((sum, s) => sum + s.measured.late, 0);
  return { scenario: `ingest-${driver}`, rows, ratios: targetRatios(driver, max, half, late, pgbench, first), notes };
}

function parseArgs(argv: string[]): { driver: IngestDriver; quick: boolean; profile: boolean; cluster: boolean } {
  const at = argv.indexOf('--driver');
  const driver = (at >= 0 ? argv[at + 1] : 'postgres') as IngestDriver;
  if (driver !== 'postgres' && driver !== 'pglite') throw new Error(`--driver must be postgres or pglite, not ${driver}`);
  return { driver, quick: argv.includes('--quick'), profile: argv.includes('--profile'), cluster: argv.includes('--cluster') };
}

if (import.meta.main) {
  const args = parseArgs(process.argv.slice(2));
  const resultsDir = join(import.meta.dir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const profileDir = args.profile ? join(resultsDir, 'profiles') : undefined;
  const started = performance.now();
  await using cluster = args.cluster ? await startPgCluster({ stock: true }) : undefined;
  if (cluster) process.env.BENCH_DATABASE_URL = cluster.url;
  const result = await runIngest({ driver: args.driver, quick: args.quick, profileDir });
  if (cluster) result.notes.push("Postgres: a throwaway cluster of the bench's own with stock settings (autovacuum on, fsync on), --cluster.");
  console.log(formatResult(result));
  console.log(`\n(${Math.round((performance.now() - started) / 1000)} s)`);
  writeFileSync(join(resultsDir, `ingest-${args.driver}.json`), JSON.stringify(result, null, 2) + '\n');
}
