/**
 * @module server/privacy/request-queries — reading data-subject requests for the admin queue, the aspirant panel, the
 * CLI and /metrics, with what is left of each term counted in Colombian business days (./deadlines, Law 1581 Arts.
 * 14–15) as of `now`.
 */
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aspirants, conversations, dataSubjectRequests } from '../db/schema';
import { bogotaDay, businessDaysBetween } from './deadlines';
import { effectiveDueOn, OPEN_STATUSES, type RequestRow } from './requests';

/** A request as the queue shows it: her name or number (null once erased), and its clock. */
export interface QueueItem {
  id: number;
  right: string;
  category: string;
  channel: string;
  status: string;
  receivedAt: Date;
  /** The day to answer by (the extended one once extended), Bogotá `YYYY-MM-DD`. */
  dueOn: string;
  extended: boolean;
  /** Business days from today to `dueOn`: 0 on the day, negative once overdue. */
  daysLeft: number;
  overdue: boolean;
  /** A claim not yet tagged "reclamo en trámite": the day to tag it by; null otherwise. */
  tagDueOn: string | null;
  tagOverdue: boolean;
  resolvedAt: Date | null;
  aspirantId: number | null;
  aspirantName: string | null;
  aspirantPhone: string | null;
  conversationId: number | null;
}

const columns = {
  request: dataSubjectRequests,
  firstName: aspirants.firstName,
  lastName: aspirants.lastName,
  whatsappName: aspirants.whatsappName,
  phone: aspirants.phone,
  herConversation: conversations.id,
};

type Joined = { request: RequestRow; firstName: string | null; lastName: string | null; whatsappName: string | null; phone: string | null; herConversation: number | null };

function itemOf(joined: Joined, today: string): QueueItem {
  const row = joined.request;
  const dueOn = effectiveDueOn(row);
  const open = (OPEN_STATUSES as readonly string[]).includes(row.status);
  const tagDueOn = open && row.category === 'claim' && !row.taggedAt ? row.tagDueOn : null;
  const name = [joined.firstName, joined.lastName].filter(Boolean).join(' ') || joined.whatsappName || null;
  return {
    id: row.id,
    right: row.right,
    category: row.category,
    channel: row.channel,
    status: row.status,
    receivedAt: row.receivedAt,
    dueOn,
    extended: row.extendedDueOn !== null,
    daysLeft: businessDaysBetween(today, dueOn),
    overdue: open && today > dueOn,
    tagDueOn,
    tagOverdue: tagDueOn !== null && today > tagDueOn,
    resolvedAt: row.resolvedAt,
    aspirantId: row.aspirantId,
    aspirantName: name,
    aspirantPhone: joined.phone,
    conversationId: row.conversationId ?? joined.herConversation,
  };
}

function joinedQuery(db: Db) {
  return db
    .select(columns)
    .from(dataSubjectRequests)
    .leftJoin(aspirants, eq(aspirants.id, dataSubjectRequests.aspirantId))
    .leftJoin(conversations, eq(conversations.aspirantId, dataSubjectRequests.aspirantId));
}

/** Open requests, the soonest due first (extended ones by their extended day). */
export async function listOpen(db: Db, { now }: { now: Date }): Promise<QueueItem[]> {
  const rows = await joinedQuery(db)
    .where(inArray(dataSubjectRequests.status, [...OPEN_STATUSES]))
    .orderBy(sql`coalesce(${dataSubjectRequests.extendedDueOn}, ${dataSubjectRequests.dueOn})`, asc(dataSubjectRequests.id));
  const today = bogotaDay(now);
  return rows.map((row) => itemOf(row, today));
}

/** Closed requests (done, rejected), the last closed first; at most `limit`. */
export async function listClosed(db: Db, { now, limit = 200 }: { now: Date; limit?: number }): Promise<QueueItem[]> {
  const rows = await joinedQuery(db)
    .where(notInArray(dataSubjectRequests.status, [...OPEN_STATUSES]))
    .orderBy(desc(dataSubjectRequests.resolvedAt), desc(dataSubjectRequests.id))
    .limit(limit);
  const today = bogotaDay(now);
  return rows.map((row) => itemOf(row, today));
}

/** One request with its clock and her details, or undefined. */
export async function requestItem(db: Db, id: number, now: Date): Promise<{ item: QueueItem; row: RequestRow } | undefined> {
  const [joined] = await joinedQuery(db).where(eq(dataSubjectRequests.id, id));
  return joined ? { item: itemOf(joined, bogotaDay(now)), row: joined.request } : undefined;
}

/** The requests of the aspirant of conversation `conversationId` (opened there or elsewhere), the newest first. */
export async function requestsOfConversation(db: Db, conversationId: number, now: Date): Promise<QueueItem[]> {
  const [conversation] = await db.select({ aspirantId: conversations.aspirantId }).from(conversations).where(eq(conversations.id, conversationId));
  if (!conversation) return [];
  const rows = await joinedQuery(db)
    .where(and(eq(dataSubjectRequests.aspirantId, conversation.aspirantId)))
    .orderBy(desc(dataSubjectRequests.receivedAt), desc(dataSubjectRequests.id))
    .limit(50);
  const today = bogotaDay(now);
  return rows.map((row) => itemOf(row, today));
}

/** Per category, open requests, how many are overdue, and claims past their "reclamo en trámite" day: for /metrics. */
export async function requestCounts(db: Db, now: Date): Promise<{ category: string; open: number; overdue: number; tagOverdue: number }[]> {
  const today = bogotaDay(now);
  const r = dataSubjectRequests;
  // The WHERE is the partial index's predicate (data_subject_requests_open_idx): only open rows are read.
  const rows = await db
    .select({
      category: r.category,
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where coalesce(${r.extendedDueOn}, ${r.dueOn}) < ${today}::date))::int`,
      tagOverdue: sql<number>`(count(*) filter (where ${r.status} = 'received' and ${r.tagDueOn} < ${today}::date))::int`,
    })
    .from(r)
    .where(sql`${r.status} in ('received', 'in_progress')`)
    .groupBy(r.category);
  return rows.map((row) => ({ category: row.category, open: Number(row.open), overdue: Number(row.overdue), tagOverdue: Number(row.tagOverdue) }));
}
