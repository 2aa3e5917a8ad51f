/**
 * @module server/privacy/retention-run — one retention run (Law 1581 Art. 11; Decree 1377 Art. 11): erase every
 * aspirant due (server/privacy/retention) one by one through the erasure (server/privacy/erase, actor and reason
 * `retention`), or only list them (a dry run), then write the report as an audit entry `retention.ran` (counts per rule
 * and the ids erased — ids only, no personal data). The daily run is claimed once per Bogotá day in the database, so
 * a restart or a second process never runs it twice the same day.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { auditLog } from '../db/schema';
import type { Logger } from '../logger';
import { formatPeriod, RETENTION_RULES, type RetentionConfig, type RetentionRule } from '../config-retention';
import { dueForRetention, type DueAspirant } from './retention';
import { bogotaDay } from './deadlines';

/** Erases one aspirant for retention (server/privacy/erase `eraseAspirant` with actor and reason `retention`). */
export type EraseOne = (aspirantId: number) => Promise<unknown>;

/** What a run did, as stored in the `retention.ran` audit entry's details. */
export interface RetentionReport {
  /** `daily` (the job, claimed for `day`), or `manual` (`wasap retention`, the admin page). */
  trigger: 'daily' | 'manual';
  /** The Bogotá day of a daily run. */
  day?: string;
  /** Nothing erased: asked so, RETENTION_ENABLED off for the daily job, or no erasure available. */
  dryRun: boolean;
  /** When it ran (the clock it was given), ISO 8601. */
  at: string;
  periods: Record<RetentionRule, string>;
  due: Record<RetentionRule, number>;
  erased: Record<RetentionRule, number>;
  /** Aspirant ids erased, and those whose erasure failed (logged; due again at the next run). */
  erasedIds: number[];
  failedIds: number[];
}

export interface RetentionRunDeps {
  db: Db;
  logger: Logger;
  settings: RetentionConfig;
  /** Absent: every run is a dry run. */
  erase?: EraseOne;
}

const zero = () => Object.fromEntries(RETENTION_RULES.map((rule) => [rule, 0])) as Record<RetentionRule, number>;

/**
 * Runs retention once at `now` and writes its report (audit `retention.ran` by `actor`). Erasures run one at a time;
 * one that fails is logged and left for the next run, the others go on. Throws only when the selection or the report
 * cannot be read or written.
 */
export async function runRetention(
  deps: RetentionRunDeps,
  options: { now: Date; dryRun: boolean; trigger: RetentionReport['trigger']; day?: string; actor: string; actorUserId?: number },
): Promise<{ report: RetentionReport; due: DueAspirant[] }> {
  const due = await dueForRetention(deps.db, options.now, deps.settings);
  const dryRun = options.dryRun || !deps.erase;
  const report: RetentionReport = {
    trigger: options.trigger,
    ...(options.day ? { day: options.day } : {}),
    dryRun,
    at: options.now.toISOString(),
    periods: Object.fromEntries(RETENTION_RULES.map((rule) => [rule, formatPeriod(deps.settings.periods[rule])])) as Record<RetentionRule, string>,
    due: zero(),
    erased: zero(),
    erasedIds: [],
    failedIds: [],
  };
  for (const one of due) {
    report.due[one.rule]++;
    if (dryRun) continue;
    try {
      await deps.erase!(one.aspirantId);
      report.erased[one.rule]++;
      report.erasedIds.push(one.aspirantId);
    } catch (error) {
      report.failedIds.push(one.aspirantId);
      deps.logger.error('retention: an erasure failed; she stays due for the next run', { aspirantId: one.aspirantId, rule: one.rule, err: error as Error });
    }
  }
  await recordAudit(deps.db, {
    actor: options.actor,
    actorUserId: options.actorUserId,
    action: 'retention.ran',
    targetType: 'retention',
    targetId: options.day ?? 'manual',
    details: report as unknown as Record<string, unknown>,
  });
  deps.logger.info('retention ran', { trigger: report.trigger, dryRun, due: due.length, erased: report.erasedIds.length, failed: report.failedIds.length });
  return { report, due };
}

/** Arbitrary, fixed: the advisory lock key that serialises the daily claims (server/services use 0x5a5 and others). */
const CLAIM_LOCK = 0x7e7e_0001;

/**
 * Claims the daily run of Bogotá day `day`: true for the first caller of that day (an audit entry `retention.started`
 * is its claim), false for any later one — another process, or this one after a restart. Serialised by an advisory
 * lock so two processes asking at once cannot both win.
 */
export async function claimDailyRun(db: Db, day: string, actor = 'retention'): Promise<boolean> {
  return db.transaction(async function claim(tx) {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const [found] = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'retention.started'), eq(auditLog.targetType, 'retention'), eq(auditLog.targetId, day)))
      .limit(1);
    if (found) return false;
    await tx.insert(auditLog).values({ actor, action: 'retention.started', targetType: 'retention', targetId: day });
    return true;
  });
}

/** The last `limit` reports, newest first, with who ran each. */
export async function lastRetentionReports(db: Db, limit: number): Promise<{ at: Date; actor: string; report: RetentionReport }[]> {
  const rows = await db
    .select({ at: auditLog.createdAt, actor: auditLog.actor, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.action, 'retention.ran'))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
  return rows.map((row) => ({ at: row.at, actor: row.actor, report: row.details as RetentionReport }));
}

/** Whether Bogotá day `day`'s daily run was claimed. */
export async function dailyRunClaimed(db: Db, day: string): Promise<boolean> {
  const [found] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'retention.started'), eq(auditLog.targetType, 'retention'), eq(auditLog.targetId, day)))
    .limit(1);
  return Boolean(found);
}

/** Colombia keeps UTC−5 all year (no daylight saving since 1993). */
const BOGOTA_OFFSET_MS = 5 * 3_600_000;

/** The hour (0–23) in Bogotá at `now`. */
export function bogotaHour(now: Date): number {
  return new Date(now.getTime() - BOGOTA_OFFSET_MS).getUTCHours();
}

/** When the daily run is next due: today at `hour` (Bogotá) unless today's already ran, else tomorrow's. */
export function nextDailyRun(now: Date, hour: number, ranToday: boolean): Date {
  const today = bogotaDay(now);
  const at = new Date(Date.parse(`${today}T00:00:00Z`) + BOGOTA_OFFSET_MS + hour * 3_600_000);
  return ranToday ? new Date(at.getTime() + 86_400_000) : at;
}
