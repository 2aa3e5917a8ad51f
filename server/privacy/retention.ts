/**
 * @module server/privacy/retention — which aspirants are due for erasure because their data has outlived its purpose
 * (Law 1581 Art. 4 lit. b and Art. 11; Decree 1377 Art. 11: personal data is kept only as long as the purpose of its
 * treatment requires). Each conversation is measured from its last message, in either direction:
 *
 * - `closed_no_handoff`: closed or archived, and no recruiter ever wrote to her nor had her assigned;
 * - `closed`: closed or archived after a recruiter took her on;
 * - `inactive`: any status.
 *
 * The first rule whose period has passed (exactly the period counts) names why she is due. Never due: a titular with
 * a data-subject request still open (Law 1581 Arts. 14–15: it is answered first), a minor whose guardian has not
 * authorised yet (her case is a recruiter's, Decree 1377 Art. 12), and, since every period is at least 30 days
 * (server/config-retention), anyone with a recent message.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aspirants, conversations, dataSubjectRequests, guardians, messages } from '../db/schema';
import { RETENTION_RULES, type RetentionConfig, type RetentionPeriod, type RetentionRule } from '../config-retention';
import { bogotaDay } from './deadlines';

/** One aspirant due for erasure: ids, the rule, her last activity, and her number masked (nothing else about her). */
export interface DueAspirant {
  aspirantId: number;
  conversationId: number;
  rule: RetentionRule;
  lastMessageAt: Date;
  maskedPhone: string;
}

/** The settings the selection needs: each rule's period (null: off). */
export type RetentionSettings = Pick<RetentionConfig, 'periods'>;

/** `now` minus `period` in calendar time (UTC fields; a month-end day is clamped: 31 Mar − 1mo = 28/29 Feb). */
export function cutoffFor(now: Date, period: RetentionPeriod): Date {
  if (period.unit === 'd') return new Date(now.getTime() - period.count * 86_400_000);
  const months = period.unit === 'y' ? period.count * 12 : period.count;
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay));
  return cutoff;
}

/** Each rule's cutoff at `now` (null for a rule that is off): last activity at or before it is due. */
export function cutoffsAt(now: Date, settings: RetentionSettings): Record<RetentionRule, Date | null> {
  return Object.fromEntries(RETENTION_RULES.map((rule) => [rule, settings.periods[rule] ? cutoffFor(now, settings.periods[rule]) : null])) as Record<RetentionRule, Date | null>;
}

/** What the rules look at in one conversation. */
export interface RetentionFacts {
  status: string;
  /** A recruiter wrote to her, or she was assigned to one. */
  handedOff: boolean;
  lastMessageAt: Date;
}

const FINISHED = new Set(['closed', 'archived']);

/** The first rule that makes this conversation due, or null. */
export function ruleFor(facts: RetentionFacts, cutoffs: Record<RetentionRule, Date | null>): RetentionRule | null {
  const past = (rule: RetentionRule) => cutoffs[rule] !== null && facts.lastMessageAt.getTime() <= cutoffs[rule]!.getTime();
  const finished = FINISHED.has(facts.status);
  if (finished && !facts.handedOff && past('closed_no_handoff')) return 'closed_no_handoff';
  if (finished && facts.handedOff && past('closed')) return 'closed';
  if (past('inactive')) return 'inactive';
  return null;
}

/** Her number with the middle hidden: `+57•••••••67` (the country code and the last two digits stay). */
export function maskPhone(phone: string): string {
  if (phone.length <= 5) return '•'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'•'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

/** `YYYY-MM-DD` 18 years before Bogotá's `now`: born after it, she is a minor (Civil Code Art. 34). */
function adultBornBy(now: Date): string {
  const today = bogotaDay(now);
  const year = Number(today.slice(0, 4)) - 18;
  // 29 February's birthday is 1 March in a common year.
  return today.endsWith('-02-29') ? `${year}-02-28` : `${year}${today.slice(4)}`;
}

/**
 * The aspirants due for erasure at `now` under `settings`, oldest activity first, each with the rule that made her
 * due. Reads only; nothing is erased here.
 */
export async function dueForRetention(db: Db, now: Date, settings: RetentionSettings): Promise<DueAspirant[]> {
  const cutoffs = cutoffsAt(now, settings);
  const active = RETENTION_RULES.map((rule) => cutoffs[rule]).filter((c): c is Date => c !== null);
  if (!active.length) return [];
  // The latest cutoff bounds every rule: nothing newer can be due.
  const latest = new Date(Math.max(...active.map((c) => c.getTime())));
  const handedOff = sql<boolean>`(${conversations.assigneeId} is not null or exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.sender} = 'recruiter'))`;
  const openRequest = sql`exists (select 1 from ${dataSubjectRequests} where ${dataSubjectRequests.aspirantId} = ${aspirants.id} and ${inArray(dataSubjectRequests.status, ['received', 'in_progress'])})`;
  const authorised = sql`exists (select 1 from ${guardians} where ${guardians.aspirantId} = ${aspirants.id} and ${guardians.authorisedAt} is not null)`;
  const minorAwaiting = sql`(${aspirants.birthDate} is not null and ${aspirants.birthDate} > ${adultBornBy(now)}::date and not ${authorised})`;
  const rows = await db
    .select({
      aspirantId: aspirants.id,
      conversationId: conversations.id,
      status: conversations.status,
      lastMessageAt: conversations.lastMessageAt,
      phone: sql<string>`coalesce(${aspirants.phone}, ${aspirants.whatsappId})`,
      handedOff,
    })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(and(lte(conversations.lastMessageAt, latest), sql`not ${openRequest}`, sql`not ${minorAwaiting}`))
    .orderBy(asc(conversations.lastMessageAt), asc(conversations.id));
  const due: DueAspirant[] = [];
  for (const row of rows) {
    const rule = ruleFor({ status: row.status, handedOff: Boolean(row.handedOff), lastMessageAt: row.lastMessageAt }, cutoffs);
    if (rule) due.push({ aspirantId: row.aspirantId, conversationId: row.conversationId, rule, lastMessageAt: row.lastMessageAt, maskedPhone: maskPhone(row.phone) });
  }
  return due;
}
