#!/usr/bin/env bun
/**
 * @module bench/cluster — the cluster scenario: 1, 2 and 3 real server processes (test/support/cluster) on one fresh
 * Postgres database, signed Twilio webhooks for 100 warmed-up conversations sent open-loop and spread round-robin
 * over the processes; the highest rate held (every webhook 2xx within 1 s of its scheduled time, every inbound event
 * processed within 1 s of the step's end) is searched by doubling and one bisection, with its p99 latencies. The
 * same-run baselines are the one-process maximum (what a second and third process buy) and pgbench's single-row INSERT.
 *
 *   bun bench/cluster.ts [--quick]
 *
 * The load runs in its own process (this file with `--load <json>`): it signs every request before its clock starts.
 * e2e = inbound_events.received_at → processed_at (the database's clock: durable row → committed by its owner).
 */
import { cpuBetween, sampleCpu, adminDatabaseUrl } from './lib/ingest-server';
import { pgbenchInsert } from './lib/ingest-pgbench';
import { percentiles, type Percentiles } from './lib/ingest-stats';
import { atLeast, scenarioMain } from './lib/cli';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { computeTwilioSignature } from '../server/whatsapp/signature';
import { inboundFields, startCluster, type Cluster } from '../test/support/cluster';
import { PUBLIC_URL } from '../test/support/twilio-env';

interface LoadSpec {
  urls: string[];
  keys: string[];
  accountSid: string;
  authToken: string;
  rate: number;
  durationMs: number;
  /** Distinguishes this step's MessageSids (hex, ≤ 8 digits). */
  runId: number;
}

interface LoadReport {
  sent: number;
  failed: number;
  late: number;
  rps: number;
  hookMs: Percentiles;
  errors: string[];
}

const PATH = '/webhooks/twilio';
const sidOf = (runId: number, i: number) => `SM${runId.toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`;

/** The child's side: every request built and signed first, then sent on a fixed schedule, never waiting for answers. */
async function runLoad(spec: LoadSpec): Promise<LoadReport> {
  const total = Math.round((spec.rate * spec.durationMs) / 1000);
  const requests = Array.from({ length: total }, (_, i) => {
    const fields = inboundFields(spec.accountSid, spec.keys[i % spec.keys.length]!, `Buenas tardes ${i}`, sidOf(spec.runId, i));
    const signature = computeTwilioSignature(spec.authToken, PUBLIC_URL + PATH, fields);
    return { url: spec.urls[i % spec.urls.length]! + PATH, body: new URLSearchParams(fields).toString(), signature };
  });
  const latencies: number[] = [];
  const errors = new Set<string>();
  let failed = 0;
  let late = 0;
  const t0 = performance.now() + 20;
  const answers: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / spec.rate;
    if (due > performance.now() + 1) await Bun.sleep(due - performance.now());
    const request = requests[i]!;
    const answer = fetch(request.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': request.signature }, body: request.body }).then(
      async (r) => {
        await r.arrayBuffer();
        const ms = performance.now() - due;
        latencies.push(ms);
        if (ms > 1000) late++;
        if (!r.ok) (failed++, errors.size < 3 && errors.add(`HTTP ${r.status}`));
      },
      (e: unknown) => void (failed++, late++, errors.size < 3 && errors.add(String((e as Error).message))),
    );
    answers.push(answer);
  }
  const sentIn = (performance.now() - t0) / 1000;
  await Promise.all(answers);
  return { sent: total, failed, late, rps: Math.round(total / sentIn), hookMs: percentiles(latencies), errors: [...errors] };
}

async function spawnLoad(spec: LoadSpec): Promise<LoadReport> {
  const child = Bun.spawn([process.execPath, import.meta.path, '--load', JSON.stringify(spec)], { stdout: 'pipe', stderr: 'inherit' });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`the load generator exited ${code}: ${out}`);
  return JSON.parse(out) as LoadReport;
}

interface Step {
  processes: number;
  rate: number;
  load: LoadReport;
  drained: boolean;
  e2eMs: { p50: number; p99: number };
  cpu: number;
  held: boolean;
}

async function unprocessed(cluster: Cluster): Promise<number> {
  const [row] = await cluster.sql<{ n: string }[]>`select count(*) as n from inbound_events where processed_at is null`;
  return Number(row!.n);
}

let runs = 0;

async function step(cluster: Cluster, keys: string[], rate: number, durationMs: number): Promise<Step> {
  const runId = ++runs;
  const before = sampleCpu(process.pid);
  const load = await spawnLoad({ urls: cluster.nodes.map((n) => n.url), keys, accountSid: cluster.twilio.accountSid, authToken: cluster.twilio.authToken, rate, durationMs, runId });
  const drained = await cluster
    .waitFor('drained', async () => (await unprocessed(cluster)) === 0, 1_000)
    .then(
      () => true,
      () => false,
    );
  // Whatever this step left behind is done before the next starts (or the run stops).
  await cluster.waitFor('backlog processed', async () => (await unprocessed(cluster)) === 0, 60_000);
  const cpu = cpuBetween(before, sampleCpu(process.pid)).machine;
  const prefix = `SM${runId.toString(16).padStart(8, '0')}%`;
  const [e2e] = await cluster.sql<{ p50: number | null; p99: number | null }[]>`
    select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99
    from (select extract(epoch from processed_at - received_at) * 1000 as ms from inbound_events where provider_sid like ${prefix}) t`;
  const round = (v: number | null | undefined) => Math.round(Number(v ?? 0) * 10) / 10;
  const held = load.failed === 0 && load.late === 0 && drained;
  return { processes: cluster.nodes.length, rate, load, drained, e2eMs: { p50: round(e2e?.p50), p99: round(e2e?.p99) }, cpu, held };
}

interface Plan {
  stepMs: number;
  start: number;
  maxSteps: number;
  bisections: number;
}

const FULL: Plan = { stepMs: 3000, start: 500, maxSteps: 5, bisections: 1 };
const QUICK: Plan = { stepMs: 1500, start: 500, maxSteps: 3, bisections: 0 };

/** Doubling (or halving) from `plan.start` to the edge between held and not held, then bisecting between the two. */
async function search(cluster: Cluster, keys: string[], plan: Plan, log: (line: string) => void): Promise<{ best?: Step; steps: Step[] }> {
  const steps: Step[] = [];
  let low: Step | undefined;
  let high: number | undefined;
  const run = async (rate: number) => {
    const s = await step(cluster, keys, rate, plan.stepMs);
    log(
      `${s.processes} proc @ ${rate}/s: sent ${s.load.rps}/s, failed ${s.load.failed}, late ${s.load.late}, drained ${s.drained}, hook p99 ${s.load.hookMs.p99} ms, e2e p99 ${s.e2eMs.p99} ms → ${s.held ? 'held' : 'not held'}`,
    );
    steps.push(s);
    if (s.held && (!low || rate > low.rate)) low = s;
    if (!s.held) high = Math.min(high ?? Infinity, rate);
    return s;
  };
  // Up by doubling while held; when even the start is not held, down by halves until one is (at most maxSteps each way).
  const first = await run(plan.start);
  const factor = first.held ? 2 : 0.5;
  for (let rate = plan.start * factor, i = 1; i < plan.maxSteps && (await run(Math.round(rate))).held === first.held; i++) rate *= factor;
  for (let i = 0; i < plan.bisections && high !== undefined && low !== undefined; i++) await run(Math.round((low.rate + high) / 2));
  return { best: low, steps };
}

/** 100 conversations, each with its first message (and the bot's welcome) done before anything is measured. */
async function warmUp(cluster: Cluster): Promise<string[]> {
  const keys = Array.from({ length: 100 }, (_, i) => `+5731${String(i).padStart(8, '0')}`);
  const load = await spawnLoad({ urls: cluster.nodes.map((n) => n.url), keys, accountSid: cluster.twilio.accountSid, authToken: cluster.twilio.authToken, rate: 200, durationMs: 500, runId: ++runs });
  if (load.failed) throw new Error(`warm-up webhooks failed: ${load.errors.join('; ')}`);
  await cluster.waitFor('warm-up processed and welcomed', async () => (await unprocessed(cluster)) === 0 && cluster.twilio.messages.length >= 100, 60_000);
  return keys;
}

function rowOf(s: Step, label: string): Record<string, string | number> {
  return {
    processes: s.processes,
    run: label,
    'target/s': s.rate,
    'sent/s': s.load.rps,
    sent: s.load.sent,
    failed: s.load.failed,
    'late>1s': s.load.late,
    drained: s.drained ? 'yes' : 'NO',
    'hook p50': s.load.hookMs.p50,
    'hook p99': s.load.hookMs.p99,
    'e2e p50': s.e2eMs.p50,
    'e2e p99': s.e2eMs.p99,
    'cpu all': s.cpu,
  };
}

export async function runCluster(options: ScenarioOptions): Promise<ScenarioResult> {
  const plan = options.quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`);
  const rows: Record<string, string | number>[] = [];
  const notes: string[] = [];
  const max = new Map<number, number>();
  let pgbench: Awaited<ReturnType<typeof pgbenchInsert>> | undefined;
  // Other users of the machine take cores from every step alike; the note says how many before anything started.
  const idle = sampleCpu(process.pid);
  await Bun.sleep(1000);
  const busyBefore = cpuBetween(idle, sampleCpu(process.pid)).machine;
  for (const n of [1, 2, 3]) {
    await using cluster = await startCluster({ n, adminUrl: adminDatabaseUrl(), env: { LOG_LEVEL: 'warn', TWILIO_MAX_MPS: '1000' } });
    const keys = await warmUp(cluster);
    const { best, steps } = await search(cluster, keys, plan, log);
    for (const s of steps) rows.push(rowOf(s, s === best ? 'MAX held' : s.held ? 'held' : 'not held'));
    max.set(n, best?.rate ?? 0);
    const errors = cluster.nodes.flatMap((node) => node.lines.filter((l) => l.includes('"level":"error"')));
    if (errors.length) notes.push(`${n} processes: the servers logged ${errors.length} error lines, e.g. ${errors[0]!.slice(0, 240)}`);
    if (n === 1) pgbench = await pgbenchInsert(cluster.databaseUrl, 10, options.quick ? 2 : 5);
  }
  const one = max.get(1) || 1;
  const ratios = [2, 3].map((n) => atLeast(`${n} processes max / 1 process max, same run (${max.get(n)}/s / ${max.get(1)}/s)`, (max.get(n) ?? 0) / one, 0.5));
  if (pgbench) ratios.push(atLeast(`1 process max / pgbench single-row INSERT c=10 (${pgbench.tps} tps)`, (max.get(1) ?? 0) / pgbench.tps, 1.0));
  notes.push(`Cores busy on this machine before the run started (other users): ${busyBefore} of ${navigator.hardwareConcurrency}.`);
  notes.push(
    "Every process, its Postgres and the load generator share this machine's cores: on 2 cores a second process buys availability (failover, rolling restarts), not throughput — the ratios say what it costs. A step is held when every webhook was answered 2xx within 1 s of its scheduled time and every inbound event was processed within 1 s after the step. Latencies in ms; hook = webhook answer from its scheduled send time (open loop); e2e = received_at → processed_at in the database; cpu all = cores busy on the whole machine.",
  );
  return { scenario: 'cluster', rows, ratios, notes };
}

if (import.meta.main) {
  const at = process.argv.indexOf('--load');
  if (at >= 0) process.stdout.write(JSON.stringify(await runLoad(JSON.parse(process.argv[at + 1]!) as LoadSpec)));
  else await scenarioMain('cluster', runCluster);
}
