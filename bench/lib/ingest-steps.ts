/** @module bench/lib/ingest-steps — one load step (the generator as a child process) and the search for the highest sustained rate. */
import { join } from 'node:path';
import postgres from 'postgres';
import type { LoadConfig, LoadReport, PhaseReport } from './ingest-load';
import { BENCH_AGENCY_NUMBER, BENCH_PUBLIC_URL, cpuBetween, sampleCpu, type IngestSystem } from './ingest-server';
import { readMetric } from './server-metrics';

const LOAD_SCRIPT = join(import.meta.dir, 'ingest-load.ts');

export interface StepParams {
  conversations: number;
  rate: number;
  durationMs: number;
  warmup: boolean;
  drainMs?: number;
  /** Continue an earlier run's conversations (same run id, its counts and next sid). */
  resume?: { runId: number; counts: number[]; nextSeq: number };
}

export interface StepResult extends LoadReport {
  runId: number;
  /** Outbound messages still waiting to be sent (pending, sending, in doubt) when the step ended; Postgres only. */
  outboxBacklog?: number;
  /** Cores busy during the step (server process, all Postgres processes, the generator, whole machine). */
  cpu: { server: number; postgres: number; generator: number; machine: number };
  sustained: boolean;
}

let nextRunId = 1;

/**
 * The rate held: every webhook answered 2xx within 1 s, every fragment arrived, no backlog grew, p99 under 1 s —
 * and the bot's replies went out as fast as they were queued: at most 5 % of the step's messages still in the
 * outbox when it ended (`outboxBacklog`; the welcome of every first message is a send).
 */
export function isSustained(phase: PhaseReport, outboxBacklog = 0): boolean {
  const keptUp = phase.achievedRate >= 0.95 * phase.target && phase.processedRate >= 0.95 * phase.target;
  const sendsKeptUp = outboxBacklog <= 0.05 * phase.sent;
  return phase.failed === 0 && phase.late === 0 && phase.delivered === phase.sent && keptUp && sendsKeptUp && phase.e2eMs.p99 < 1000;
}

/**
 * Runs `read` with a function that counts outbound messages not sent yet (0 without a Postgres database to ask),
 * on one connection for all its calls: waitIdle asks every 100 ms.
 */
async function withOutboxBacklog<T>(system: IngestSystem, read: (backlog: () => Promise<number>) => Promise<T>): Promise<T> {
  if (!system.databaseUrl) return read(async () => 0);
  const sql = postgres(system.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await read(async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where state in ('pending', 'sending', 'unconfirmed')`;
      return row?.n ?? 0;
    });
  } finally {
    await sql.end();
  }
}

/** Waits until no actor has queued events and the outbox is empty, so a step does not start on the previous one's backlog. */
export function waitIdle(system: IngestSystem, maxMs = 60_000): Promise<boolean> {
  return withOutboxBacklog(system, async (backlog) => {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      if ((await readMetric(system.url, 'wasap_actor_mailbox_depth')) === 0 && (await backlog()) === 0) return true;
      await Bun.sleep(100);
    }
    return false;
  });
}

export async function runStep(system: IngestSystem, params: StepParams): Promise<StepResult> {
  if (!(await waitIdle(system))) process.stderr.write('[ingest] the previous step left work after 60 s: this step starts on its backlog\n');
  const runId = params.resume?.runId ?? nextRunId++;
  const config: LoadConfig = {
    url: system.url,
    publicUrl: BENCH_PUBLIC_URL,
    accountSid: system.twilio.accountSid,
    authToken: system.twilio.authToken,
    agencyNumber: BENCH_AGENCY_NUMBER,
    sessionToken: system.sessionToken,
    conversations: params.conversations,
    rate: params.rate,
    durationMs: params.durationMs,
    runId,
    drainMs: params.drainMs ?? 3000,
    warmup: params.warmup,
    startCounts: params.resume?.counts,
    seqBase: params.resume?.nextSeq,
  };
  const before = sampleCpu(system.pid);
  const proc = Bun.spawn([process.execPath, LOAD_SCRIPT], { stdin: new Blob([JSON.stringify(config)]), stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const after = sampleCpu(system.pid);
  const backlog = await withOutboxBacklog(system, (read) => read());
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`the load generator failed (exit ${code}): ${err.trim() || out.trim()}`);
  const report = JSON.parse(last) as LoadReport;
  const usage = proc.resourceUsage();
  const generatorSeconds = usage ? Number(usage.cpuTime.total) / 1e6 : 0;
  const generator = Math.round((generatorSeconds / Math.max(0.001, (after.at - before.at) / 1000)) * 100) / 100;
  return { ...report, runId, outboxBacklog: backlog, cpu: { ...cpuBetween(before, after), generator }, sustained: isSustained(report.measured, backlog) };
}

export interface SearchOptions {
  conversations: number;
  start: number;
  stepMs: number;
  /** Halvings of the interval between the last rate held and the first one not held. */
  bisections: number;
  /** Stop doubling (or halving) after this many steps. */
  maxSteps: number;
  /** One message per conversation before the measured phase (false: every message is a conversation's first; N grows to the step's message count). */
  warmup?: boolean;
  log: (line: string) => void;
}

export interface SearchResult {
  /** The highest rate held, 0 when none was. */
  rate: number;
  best?: StepResult;
  steps: StepResult[];
}

/**
 * Conversations for a step where every message must be a conversation's first (no warm-up): the generator writes to
 * number `i % conversations`, so a step of `rate × duration` messages needs at least that many numbers.
 */
export function firstMessageConversations(conversations: number, rate: number, durationMs: number): number {
  return Math.max(conversations, Math.ceil((rate * durationMs) / 1000));
}

export function describeStep(step: StepResult): string {
  const m = step.measured;
  return `N=${step.conversations} target ${m.target}/s: sent ${m.sent} ok ${m.ok} late ${m.late} delivered ${m.delivered} achieved ${m.achievedRate}/s processed ${m.processedRate}/s outbox left ${step.outboxBacklog ?? 0} e2e p50 ${m.e2eMs.p50} p99 ${m.e2eMs.p99} max ${m.e2eMs.max} ms; cpu server ${step.cpu.server} pg ${step.cpu.postgres} gen ${step.cpu.generator} machine ${step.cpu.machine} → ${step.sustained ? 'held' : 'NOT held'}`;
}

/** Doubles (or halves) from `start` until the outcome flips, then bisects between the two. */
export async function findMaxRate(system: IngestSystem, options: SearchOptions): Promise<SearchResult> {
  const steps: StepResult[] = [];
  async function attempt(rate: number): Promise<StepResult> {
    const warmup = options.warmup ?? true;
    const conversations = warmup ? options.conversations : firstMessageConversations(options.conversations, Math.round(rate), options.stepMs);
    const step = await runStep(system, { conversations, rate: Math.round(rate), durationMs: options.stepMs, warmup });
    steps.push(step);
    options.log(describeStep(step));
    return step;
  }
  let best: StepResult | undefined;
  let low = 0;
  let high = 0;
  let rate = options.start;
  for (let i = 0; i < options.maxSteps; i++) {
    const step = await attempt(rate);
    if (step.sustained) {
      best = step;
      low = rate;
      if (high) break;
      rate *= 2;
    } else {
      high = rate;
      if (low) break;
      rate /= 2;
    }
  }
  for (let i = 0; i < options.bisections && low && high; i++) {
    const mid = Math.round((low + high) / 2);
    const step = await attempt(mid);
    if (step.sustained) ((best = step), (low = mid));
    else high = mid;
  }
  return { rate: low, best, steps };
}
