/** @module server/jobs/timers — durable timers: due rows in Postgres become `timer.fired` events for their actor. */
import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { TimerFired } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { aspirants, conversations, timers } from '../db/schema';
import type { Logger } from '../logger';
import { isTransient } from '../db/unavailable';

export interface TimerSchedulerOptions {
  db: Db;
  tell(key: string, event: TimerFired): void;
  logger: Logger;
  now?: () => number;
  /** How often due timers are looked for; 0 disables the loop (tests call runOnce). */
  pollMs?: number;
  batchSize?: number;
}

/**
 * Fires each due timer once: the actor consumes it in the same transaction as its effects (a timer
 * already fired or cancelled is a no-op there), so a restart between scheduling and firing is safe.
 */
export function createTimerScheduler(options: TimerSchedulerOptions) {
  const { db, logger } = options;
  const now = options.now ?? Date.now;
  /** Timers told to an actor and not yet seen consumed: not told twice while in flight. */
  const inFlight = new Map<number, number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | null = null;

  async function due() {
    return db
      .select({ id: timers.id, name: timers.name, key: aspirants.whatsappId })
      .from(timers)
      .innerJoin(conversations, eq(conversations.id, timers.conversationId))
      .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, new Date(now()))))
      .orderBy(asc(timers.fireAt), asc(timers.id))
      .limit(options.batchSize ?? 500);
  }

  async function fire(): Promise<number> {
    const rows = await due();
    const at = now();
    const seen = new Set(rows.map((r) => r.id));
    for (const id of inFlight.keys()) if (!seen.has(id)) inFlight.delete(id);
    let told = 0;
    for (const row of rows) {
      // Retell only if it has been in flight for a minute (the actor may have failed and dropped it).
      const since = inFlight.get(row.id);
      if (since !== undefined && at - since < 60_000) continue;
      inFlight.set(row.id, at);
      options.tell(row.key, { type: 'timer.fired', timerId: row.id, name: row.name, firedAt: at });
      told++;
    }
    return told;
  }

  function runOnce(): Promise<number> {
    running ??= fire()
      .catch((error: unknown) => {
        // Durable timers lose nothing while the database is away: the next scan finds them.
        if (isTransient(error)) logger.warn('timer scan skipped: the database is unreachable', { err: error as Error });
        else logger.error('timer scan failed', { err: error as Error });
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    runOnce,
    start() {
      const every = options.pollMs ?? 1000;
      if (every > 0 && !timer) {
        timer = setInterval(() => void runOnce(), every);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type TimerScheduler = ReturnType<typeof createTimerScheduler>;
