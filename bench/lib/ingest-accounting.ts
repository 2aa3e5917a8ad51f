/**
 * @module bench/lib/ingest-accounting — where an inbound message's database time goes: round trips, statements
 * and transactions per message, counted on the wire by a proxy (a separate short server start, Postgres only).
 */
import type { WireCounts } from './ingest-pgproxy';
import { startIngestSystem, type StartOptions } from './ingest-server';
import { runStep, type StepResult } from './ingest-steps';

export interface PerMessage {
  roundTrips: number;
  statements: number;
  transactions: number;
}

export interface Accounting {
  /** A message to a conversation that exists (bot waiting for the form; nothing sent back). */
  existing: PerMessage;
  /** A conversation's first message: creation, the bot's welcome, its outbox send and the send's outcome. */
  first: PerMessage;
  /** Background polling (outbox, timers) per second while idle, already subtracted above. */
  idlePerSecond: PerMessage;
}

function diff(a: WireCounts, b: WireCounts): PerMessage {
  return { roundTrips: b.roundTrips - a.roundTrips, statements: b.statements - a.statements, transactions: b.begins - a.begins };
}

function scale(x: PerMessage, k: number): PerMessage {
  const r = (v: number) => Math.round(v * k * 10) / 10;
  return { roundTrips: r(x.roundTrips), statements: r(x.statements), transactions: r(x.transactions) };
}

function minus(x: PerMessage, y: PerMessage): PerMessage {
  return { roundTrips: x.roundTrips - y.roundTrips, statements: x.statements - y.statements, transactions: x.transactions - y.transactions };
}

/**
 * Two small runs at a low rate: (A) a first message then several more per conversation, (B) first messages only.
 * Per existing-conversation message = (A − first messages' share) / messages; idle polling over the same time is taken off.
 */
export async function measureRoundTrips(options: StartOptions = {}): Promise<Accounting> {
  const system = await startIngestSystem('postgres', { ...options, countRoundTrips: true });
  try {
    const proxy = system.proxy!;
    const idleStart = proxy.counts();
    const idleMs = 2000;
    await Bun.sleep(idleMs);
    const idle = scale(diff(idleStart, proxy.counts()), 1000 / idleMs);
    async function counted(run: () => Promise<StepResult>): Promise<{ per: PerMessage; step: StepResult }> {
      const before = proxy.counts();
      const started = performance.now();
      const step = await run();
      // Let the outbox send the welcomes and the actors record the outcome before counting.
      await Bun.sleep(500);
      const seconds = (performance.now() - started) / 1000;
      return { per: minus(diff(before, proxy.counts()), scale(idle, seconds)), step };
    }
    const conversations = 50;
    const b = await counted(() => runStep(system, { conversations, rate: 50, durationMs: 1000, warmup: false }));
    const first = scale(b.per, 1 / b.step.measured.sent);
    const a = await counted(() => runStep(system, { conversations, rate: 50, durationMs: 4000, warmup: true }));
    const existingCount = a.step.measured.sent;
    const existing = scale(minus(a.per, scale(first, conversations)), 1 / existingCount);
    return { existing, first, idlePerSecond: idle };
  } finally {
    await system.stop();
  }
}
