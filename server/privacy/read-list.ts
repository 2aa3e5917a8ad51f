/**
 * @module server/privacy/read-list — reading the audit of reads back (Law 1581 Art. 17 lit. d: the controller shows
 * who accessed a titular's data): the last reads of one aspirant, and the admin's list filtered by aspirant, user and
 * action, newest first, paged by keyset on `id` (reads are inserted as they happen, so ids follow time; a timestamp
 * cursor would lose Postgres's microseconds) so a page never shifts when reads are added meanwhile.
 */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { ReadAction } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { readAudit, users } from '../db/schema';

/** One read as the views show it; `userName` is null for `cli` or a user since deleted. */
export interface ReadRow {
  id: number;
  at: Date;
  actor: string;
  userName: string | null;
  action: ReadAction;
  aspirantId: number | null;
  conversationId: number | null;
  mediaId: number | null;
  details: unknown;
}

export interface ReadFilter {
  aspirantId?: number;
  userId?: number;
  action?: ReadAction;
}

const columns = {
  id: readAudit.id,
  at: readAudit.at,
  actor: readAudit.actor,
  userName: users.name,
  action: readAudit.action,
  aspirantId: readAudit.aspirantId,
  conversationId: readAudit.conversationId,
  mediaId: readAudit.mediaId,
  details: readAudit.details,
};

/** The last `limit` reads of aspirant `aspirantId`, newest first. */
export async function recentReadsOf(db: Db, aspirantId: number, limit: number): Promise<ReadRow[]> {
  const rows = await db.select(columns).from(readAudit).leftJoin(users, eq(users.id, readAudit.userId)).where(eq(readAudit.aspirantId, aspirantId)).orderBy(desc(readAudit.id)).limit(limit);
  return rows as ReadRow[];
}

/** A keyset cursor: the last row's id. Undefined when `text` is not one. */
export function parseReadCursor(text: string | undefined): number | undefined {
  return /^\d{1,15}$/.test(text ?? '') ? Number(text) : undefined;
}

/** One page of reads matching `filter`, older than `cursor`; `next` is the cursor of the following page, if any. */
export async function listReads(db: Db, filter: ReadFilter, cursor: number | undefined, limit: number): Promise<{ rows: ReadRow[]; next?: string }> {
  const where: SQL[] = [];
  if (filter.aspirantId !== undefined) where.push(eq(readAudit.aspirantId, filter.aspirantId));
  if (filter.userId !== undefined) where.push(eq(readAudit.userId, filter.userId));
  if (filter.action !== undefined) where.push(eq(readAudit.action, filter.action));
  if (cursor !== undefined) where.push(lt(readAudit.id, cursor));
  const rows = (await db
    .select(columns)
    .from(readAudit)
    .leftJoin(users, eq(users.id, readAudit.userId))
    .where(and(...where))
    .orderBy(desc(readAudit.id))
    .limit(limit + 1)) as ReadRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, next: more ? String(page.at(-1)!.id) : undefined };
}
