/**
 * @module server/jobs/retention — the daily retention run on the job runner: once per Bogotá day, after
 * RETENTION_HOUR, the first process to claim the day (server/privacy/retention-run `claimDailyRun`, a row in the
 * database) runs retention — erasing what is due when RETENTION_ENABLED, else writing the day's dry-run report. A
 * restart, or a second process, finds the day claimed and does nothing until the next one.
 */
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { bogotaDay } from '../privacy/deadlines';
import { bogotaHour, claimDailyRun, runRetention, type EraseOne } from '../privacy/retention-run';
import type { RetentionConfig } from '../config-retention';
import type { JobRunner, QueueHandle } from './runner';

export interface RetentionQueueOptions {
  db: Db;
  logger: Logger;
  settings: RetentionConfig;
  /** Absent (no erasure wired): every daily run is a dry run. */
  erase?: EraseOne;
  now?: () => number;
  /** How often the day's run is looked for (default 5 minutes); 0: only runOnce (tests). */
  pollMs?: number;
}

/** Adds the `retention` queue to `runner`: at most one job per Bogotá day, performed once, never retried blind. */
export function createRetentionQueue(runner: JobRunner, options: RetentionQueueOptions): QueueHandle {
  const { db, logger, settings } = options;
  const now = options.now ?? Date.now;
  /** The last day this process saw claimed (by it or another): no database round trip until the next day. */
  let settledDay: string | undefined;

  async function claim(): Promise<{ day: string }[]> {
    const at = new Date(now());
    const day = bogotaDay(at);
    if (settledDay === day || bogotaHour(at) < settings.hour) return [];
    const won = await claimDailyRun(db, day);
    settledDay = day;
    return won ? [{ day }] : [];
  }

  return runner.add<{ day: string }>({
    name: 'retention',
    limit: 1,
    pollMs: options.pollMs ?? 5 * 60_000,
    claim,
    async perform(job) {
      await runRetention({ db, logger, settings, erase: options.erase }, { now: new Date(now()), dryRun: !settings.enabled, trigger: 'daily', day: job.day, actor: 'retention' });
    },
    async discard(job, error) {
      // The day stays claimed: the next run is tomorrow's, and what was due then is still due.
      logger.error('retention: the daily run failed; it runs again tomorrow (or now with `wasap retention`)', { day: job.day, err: error as Error });
    },
  });
}
