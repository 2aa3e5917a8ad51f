/** @module server/jobs/timers — the timers queue: due rows in Postgres become `timer.fired` events for their actor. */
import { and, asc, eq, isNull, lte, type SQL } from 'drizzle-orm';
import type { TimerFired } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { aspirants, conversations, timers } from '../db/schema';
import type { JobRunner, QueueHandle } from './runner';

export interface TimerQueueOptions {
  db: Db;
  tell(key: string, event: TimerFired): void;
  now?: () => number;
  /** How often due timers are looked for; 0 disables polling (tests call runOnce with an injected clock). */
  pollMs?: number;
  batchSize?: number;
  /** In a cluster, keeps the claim to conversations owned here (`column` holds their key; server/cluster). */
  ownedOnly?(column: unknown): SQL | undefined;
}

type DueTimer = { id: number; name: string; key: string };

/**
 * Adds the timers queue to `runner`. Each due timer is told once: the actor consumes it in the same transaction as
 * its effects, with a compare-and-set (a timer already fired or cancelled is a no-op there), so a restart between
 * scheduling and firing is safe. Nothing is locked at claim: the actor's commit is the claim; a timer told and not
 * yet seen consumed is not told again for a minute (the actor may have failed and dropped it). `runOnce()` returns
 * how many were told.
 */
export function createTimerQueue(runner: JobRunner, options: TimerQueueOptions): QueueHandle {
  const { db } = options;
  const now = options.now ?? Date.now;
  /** Timers told to an actor and not yet seen consumed, with when they were told. */
  const inFlight = new Map<number, number>();

  async function claim(limit: number): Promise<(DueTimer & { at: number })[]> {
    const rows = await db
      .select({ id: timers.id, name: timers.name, key: aspirants.whatsappId })
      .from(timers)
      .innerJoin(conversations, eq(conversations.id, timers.conversationId))
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, new Date(now())), options.ownedOnly?.(aspirants.whatsappId)))
      .orderBy(asc(timers.fireAt), asc(timers.id))
      .limit(Math.min(limit, options.batchSize ?? 500));
    const at = now();
    const seen = new Set(rows.map((r) => r.id));
    for (const id of inFlight.keys()) if (!seen.has(id)) inFlight.delete(id);
    const due = rows.filter((row) => {
      const since = inFlight.get(row.id);
      return since === undefined || at - since >= 60_000;
    });
    for (const row of due) inFlight.set(row.id, at);
    return due.map((row) => ({ ...row, at }));
  }

  return runner.add({
    name: 'timers',
    limit: options.batchSize ?? 500,
    pollMs: options.pollMs ?? 1000,
    claim,
    async perform(timer) {
      options.tell(timer.key, { type: 'timer.fired', timerId: timer.id, name: timer.name, firedAt: timer.at });
    },
  });
}
