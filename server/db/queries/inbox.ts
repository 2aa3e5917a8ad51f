/** @module server/db/queries/inbox — the inbox's list reads: who may see what, the list (filtered, searched, keyset-paged), one or many list rows, and marking a conversation read. The open conversation's reads are in ./chat. */
import { windowClosesAt } from '../../../actors/conversation/rules';
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ConversationStatus, Role } from '../../../actors/vocabulary';
import { contactLabel, personName, type IdentityFields } from '../../../views/inbox/contact';
import type { ConversationRowView, InboxFilters } from '../../../views/inbox/types';
import type { Db } from '../client';
import { aspirants, conversations, users } from '../schema';
import { searchCondition } from './search';

export interface Viewer {
  id: number;
  role: Role;
}

export const PAGE_SIZE = 50;

/** A recruiter sees conversations assigned to them and unassigned ones; an admin sees all. */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.role === 'admin') return undefined;
  return or(eq(conversations.assigneeId, viewer.id), isNull(conversations.assigneeId));
}

export async function canSee(db: Db, viewer: Viewer, conversationId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), visibleTo(viewer)))
    .limit(1);
  return row !== undefined;
}

/** The assignee of each of these conversations (null: unassigned); a conversation that no longer exists is absent. */
export async function assigneesOf(db: Db, ids: number[]): Promise<Map<number, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: conversations.id, assigneeId: conversations.assigneeId }).from(conversations).where(inArray(conversations.id, ids));
  return new Map(rows.map((row) => [row.id, row.assigneeId]));
}

/**
 * The list's filters as the inbox gives them, where `status` may also be the pseudo-status `waiting`: conversations
 * whose aspirant waits for our answer (waiting_since set), archived ones left out, longest wait first.
 */
export type ListFilters = Omit<InboxFilters, 'status'> & { status?: ConversationStatus | typeof WAITING };

/** The pseudo-status of `ListFilters`: who waits for us. */
export const WAITING = 'waiting';

/** A cursor's time and id, or undefined when either cannot be one (a date that does not exist, an id past int4). */
function cursorOf(match: RegExpExecArray | null): { at: Date; id: number } | undefined {
  if (!match) return undefined;
  const at = new Date(match[1]!);
  const id = Number(match[2]);
  return Number.isNaN(at.getTime()) || id > 2_147_483_647 ? undefined : { at, id };
}

/** `<ISO time>_<id>` of the last row (newest activity first): the next page starts strictly after it. A malformed one starts at the first page. */
function parseCursor(cursor?: string): { at: Date; id: number } | undefined {
  return cursorOf(cursor ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_(\d{1,10})$/.exec(cursor) : null);
}

/**
 * `w<ISO time>_<id>` of the last row of the waiting list (waiting_since, then id, ascending): the next page starts
 * strictly after it. Exact because waiting_since holds whole milliseconds (decide() writes epoch ms; the 0007
 * backfill truncates). A cursor of the other format (or none) starts at the first page.
 */
function parseWaitingCursor(cursor?: string): { at: Date; id: number } | undefined {
  return cursorOf(cursor ? /^w(\d{4}-\d\d-\d\dT[\d:.]+Z)_(\d{1,10})$/.exec(cursor) : null);
}

/** The assigned recruiter, joined as a second `users`. */
export const assignee = alias(users, 'assignee');

const rowColumns = {
  id: conversations.id,
  number: aspirants.whatsappId,
  phone: aspirants.phone,
  username: aspirants.username,
  firstName: aspirants.firstName,
  lastName: aspirants.lastName,
  whatsappName: aspirants.whatsappName,
  optedOutAt: aspirants.optedOutAt,
  preview: conversations.lastMessagePreview,
  lastMessageAt: conversations.lastMessageAt,
  unread: conversations.unreadCount,
  status: conversations.status,
  assigneeId: conversations.assigneeId,
  assigneeName: assignee.name,
  waitingSince: conversations.waitingSince,
  lastInboundAt: conversations.lastInboundAt,
};

/** The identity columns a list row may lack (a read-back written before they existed): the label then falls back on the key. */
type OptionalColumns = 'phone' | 'username';
export type RowRecord = { [K in Exclude<keyof typeof rowColumns, OptionalColumns>]: (typeof rowColumns)[K]['_']['data'] | null } & {
  [K in OptionalColumns]?: (typeof rowColumns)[K]['_']['data'] | null;
};

/** A list row from its columns (the list query's, or the set lane's read-back: server/conversations/commit/set-statement). */
export function toRowView(row: RowRecord): ConversationRowView {
  const identity: IdentityFields = { key: row.number!, phone: row.phone, username: row.username, whatsappName: row.whatsappName };
  return {
    id: row.id!,
    name: personName({ ...identity, firstName: row.firstName, lastName: row.lastName }),
    contact: contactLabel(identity),
    preview: row.preview ?? '',
    lastMessageAt: row.lastMessageAt!,
    unread: row.unread ?? 0,
    status: row.status!,
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? '' } : undefined,
    optedOut: row.optedOutAt !== null,
    waitingSince: row.waitingSince,
    // decide() writes both times from the same message: equal when hers is the last one.
    lastFromAspirant: row.lastInboundAt !== null && row.lastMessageAt !== null && row.lastInboundAt.getTime() >= row.lastMessageAt.getTime(),
    windowClosesAt: row.lastInboundAt ? new Date(windowClosesAt(row.lastInboundAt.getTime())!) : null,
  };
}

function filterWhere(viewer: Viewer, filters: ListFilters): SQL | undefined {
  const parts: (SQL | undefined)[] = [visibleTo(viewer)];
  if (filters.status === WAITING) parts.push(sql`${conversations.waitingSince} is not null`, sql`${conversations.status} not in ('closed', 'archived')`);
  else if (filters.status) parts.push(eq(conversations.status, filters.status));
  else parts.push(sql`${conversations.status} not in ('closed', 'archived')`);
  if (filters.scope === 'mine') parts.push(eq(conversations.assigneeId, viewer.id));
  if (filters.scope === 'unassigned') parts.push(isNull(conversations.assigneeId));
  const q = filters.q?.trim();
  if (q) parts.push(searchCondition(q));
  return and(...parts);
}

/** Where the page after `cursor` starts, and the list's order: each served by its index (see the schema). */
function pageOf(filters: ListFilters, cursor?: string): { after?: SQL; order: SQL[] } {
  if (filters.status === WAITING) {
    const after = parseWaitingCursor(cursor);
    return {
      // A row comparison: one range of conversations_waiting_idx (waiting_since, id), where an OR would be a filter.
      after: after ? sql`(${conversations.waitingSince}, ${conversations.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::int)` : undefined,
      order: [sql`${conversations.waitingSince} asc`, sql`${conversations.id} asc`],
    };
  }
  const after = parseCursor(cursor);
  return {
    after: after ? or(lt(conversations.lastMessageAt, after.at), and(eq(conversations.lastMessageAt, after.at), lt(conversations.id, after.id))) : undefined,
    // NULLS LAST to match conversations_inbox_idx: plain DESC means NULLS FIRST, which the index
    // cannot serve, so Postgres would join and sort every conversation (both columns are NOT NULL).
    order: [sql`${conversations.lastMessageAt} desc nulls last`, sql`${conversations.id} desc nulls last`],
  };
}

/** The list's query (one page and one row more, to tell whether another follows); exported for the query-plan test. */
export function listQuery(db: Db, viewer: Viewer, filters: ListFilters, cursor?: string) {
  const page = pageOf(filters, cursor);
  return db
    .select(rowColumns)
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(and(filterWhere(viewer, filters), page.after))
    .orderBy(...page.order)
    .limit(PAGE_SIZE + 1);
}

/**
 * One page (PAGE_SIZE rows) of the conversations `viewer` may see that match `filters`, after `cursor` (the
 * `nextCursor` of the page before; an unreadable one starts over). Newest activity first, cursor `<ISO time>_<id>`;
 * with `status: 'waiting'`, longest wait first (waiting_since, then id, ascending), cursor `w<ISO time>_<id>`.
 * `nextCursor` is absent on the last page.
 */
export async function listConversations(db: Db, viewer: Viewer, filters: ListFilters, cursor?: string): Promise<{ rows: ConversationRowView[]; nextCursor?: string }> {
  const rows = await listQuery(db, viewer, filters, cursor);
  const views = rows.slice(0, PAGE_SIZE).map(toRowView);
  const last = views.at(-1);
  if (rows.length <= PAGE_SIZE || !last) return { rows: views };
  const nextCursor = filters.status === WAITING ? `w${last.waitingSince!.toISOString()}_${last.id}` : `${last.lastMessageAt.toISOString()}_${last.id}`;
  return { rows: views, nextCursor };
}

export async function conversationRow(db: Db, conversationId: number): Promise<ConversationRowView | undefined> {
  const [row] = await db
    .select(rowColumns)
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(eq(conversations.id, conversationId));
  return row ? toRowView(row) : undefined;
}

/** Several conversations' list rows in one query (the pusher's batched read after commits), by id; missing ids are absent. */
export async function conversationRows(db: Db, ids: number[]): Promise<Map<number, ConversationRowView>> {
  const rows = await db
    .select(rowColumns)
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    // The ids as one JSON parameter: the text is the same for any count (prepared once).
    .where(sql`${conversations.id} = any (array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::int))`);
  return new Map(rows.map((row) => [row.id!, toRowView(row)]));
}

/** Opening a conversation reads it: its unread count goes back to zero. */
export async function markRead(db: Db, conversationId: number): Promise<void> {
  await db
    .update(conversations)
    .set({ unreadCount: 0 })
    .where(and(eq(conversations.id, conversationId), sql`${conversations.unreadCount} > 0`));
}

/** The actor key (the aspirant's `whatsapp_id`: her first phone or BSUID) and assignee of a conversation. */
export async function conversationKey(db: Db, conversationId: number): Promise<{ key: string; assigneeId: number | null; lastInboundAt: Date | null } | undefined> {
  const [row] = await db
    .select({ key: aspirants.whatsappId, assigneeId: conversations.assigneeId, lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(eq(conversations.id, conversationId));
  return row;
}
