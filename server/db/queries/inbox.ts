/** @module server/db/queries/inbox — the inbox's reads: the list (filtered, searched, keyset-paged), a chat page, the aspirant panel. */
import { and, asc, desc, eq, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ConversationStatus, DayPart, ModelingType, Role } from '../../../actors/vocabulary';
import type { AspirantPanelView, ConversationRowView, InboxFilters, MessageView, NoteView } from '../../../views/inbox/types';
import type { Db } from '../client';
import { aspirants, conversationEvents, conversations, media, messages, notes, users } from '../schema';

export interface Viewer {
  id: number;
  role: Role;
}

export const PAGE_SIZE = 50;
export const CHAT_PAGE_SIZE = 60;

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

function displayName(row: { firstName: string | null; lastName: string | null; whatsappName: string | null; number: string }): string {
  const full = [row.firstName, row.lastName].filter(Boolean).join(' ').trim();
  return full || row.whatsappName || row.number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `<ISO time>_<id>` of the last row: the next page starts strictly after it. */
function parseCursor(cursor?: string): { at: Date; id: number } | undefined {
  const match = cursor ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_(\d+)$/.exec(cursor) : null;
  return match ? { at: new Date(match[1]!), id: Number(match[2]) } : undefined;
}

const assignee = alias(users, 'assignee');

const rowColumns = {
  id: conversations.id,
  number: aspirants.whatsappId,
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
};

export type RowRecord = { [K in keyof typeof rowColumns]: (typeof rowColumns)[K]['_']['data'] | null };

/** A list row from its columns (the list query's, or the set lane's read-back: server/conversations/commit/set-statement). */
export function toRowView(row: RowRecord): ConversationRowView {
  return {
    id: row.id!,
    name: displayName({ firstName: row.firstName, lastName: row.lastName, whatsappName: row.whatsappName, number: row.number! }),
    number: row.number!,
    preview: row.preview ?? '',
    lastMessageAt: row.lastMessageAt!,
    unread: row.unread ?? 0,
    status: row.status!,
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? '' } : undefined,
    optedOut: row.optedOutAt !== null,
  };
}

function filterWhere(viewer: Viewer, filters: InboxFilters): SQL | undefined {
  const parts: (SQL | undefined)[] = [visibleTo(viewer)];
  if (filters.status) parts.push(eq(conversations.status, filters.status));
  else parts.push(sql`${conversations.status} <> 'archived'`);
  if (filters.scope === 'mine') parts.push(eq(conversations.assigneeId, viewer.id));
  if (filters.scope === 'unassigned') parts.push(isNull(conversations.assigneeId));
  const q = filters.q?.trim();
  if (q) {
    const like = `%${escapeLike(q)}%`;
    parts.push(
      or(
        ilike(aspirants.firstName, like),
        ilike(aspirants.lastName, like),
        ilike(aspirants.whatsappName, like),
        ilike(aspirants.whatsappId, like),
        sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.body ilike ${like})`,
      ),
    );
  }
  return and(...parts);
}

export async function listConversations(db: Db, viewer: Viewer, filters: InboxFilters, cursor?: string): Promise<{ rows: ConversationRowView[]; nextCursor?: string }> {
  const after = parseCursor(cursor);
  const page = after ? or(lt(conversations.lastMessageAt, after.at), and(eq(conversations.lastMessageAt, after.at), lt(conversations.id, after.id))) : undefined;
  const rows = await db
    .select(rowColumns)
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(and(filterWhere(viewer, filters), page))
    // NULLS LAST to match conversations_inbox_idx: plain DESC means NULLS FIRST, which the index
    // cannot serve, so Postgres would join and sort every conversation (both columns are NOT NULL).
    .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, sql`${conversations.id} desc nulls last`)
    .limit(PAGE_SIZE + 1);
  const views = rows.slice(0, PAGE_SIZE).map(toRowView);
  const last = views.at(-1);
  return { rows: views, nextCursor: rows.length > PAGE_SIZE && last ? `${last.lastMessageAt.toISOString()}_${last.id}` : undefined };
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

const author = alias(users, 'author');

/** The columns of a message bubble (MessageView without its media), for a page of the chat and for one message. */
const MESSAGE_COLUMNS = {
  id: messages.id,
  sender: messages.sender,
  authorName: author.name,
  body: messages.body,
  createdAt: messages.createdAt,
  status: messages.status,
  errorCode: messages.errorCode,
  errorMessage: messages.errorMessage,
};

/** Messages newest-first from `beforeId`, returned oldest-first, with their media. */
export async function chatPage(db: Db, conversationId: number, beforeId?: number, limit = CHAT_PAGE_SIZE): Promise<{ messages: MessageView[]; olderCursor?: string }> {
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .leftJoin(author, eq(author.id, messages.authorId))
    .where(and(eq(messages.conversationId, conversationId), beforeId ? lt(messages.id, beforeId) : undefined))
    .orderBy(desc(messages.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).reverse();
  const withMedia = await attachMedia(
    db,
    page.map((r) => ({ ...r, authorName: r.authorName ?? undefined, errorCode: r.errorCode ?? undefined, errorMessage: r.errorMessage ?? undefined })),
  );
  return { messages: withMedia, olderCursor: rows.length > limit ? String(page[0]!.id) : undefined };
}

async function attachMedia(db: Db, rows: Omit<MessageView, 'media'>[]): Promise<MessageView[]> {
  if (rows.length === 0) return [];
  const items = await db
    .select({ id: media.id, messageId: media.messageId, kind: media.kind, contentType: media.contentType, state: media.state, error: media.error })
    .from(media)
    .where(
      inArray(
        media.messageId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(media.id));
  const byMessage = Map.groupBy(items, (m) => m.messageId);
  return rows.map((row) => ({
    ...row,
    media: (byMessage.get(row.id) ?? []).map((m) => ({
      id: m.id,
      kind: m.kind ?? undefined,
      contentType: m.contentType ?? undefined,
      state: m.state as MessageView['media'][number]['state'],
      error: m.error ?? undefined,
    })),
  }));
}

export async function messageView(db: Db, messageId: number): Promise<MessageView | undefined> {
  const [row] = await db.select(MESSAGE_COLUMNS).from(messages).leftJoin(author, eq(author.id, messages.authorId)).where(eq(messages.id, messageId));
  if (!row) return undefined;
  const [view] = await attachMedia(db, [{ ...row, authorName: row.authorName ?? undefined, errorCode: row.errorCode ?? undefined, errorMessage: row.errorMessage ?? undefined }]);
  return view;
}

const EVENT_LABELS: Record<string, string> = {
  'inbound.received': 'Aspirant wrote',
  'recruiter.replied': 'Recruiter replied',
  'form.submitted': 'Form submitted',
  'timer.fired': 'Reminder timer fired',
  'bot.resumed': 'Bot resumed',
  'outbox.failed': 'Send failed',
  'media.stored': 'Media stored',
  'media.failed': 'Media unavailable',
};

export async function aspirantPanel(db: Db, conversationId: number): Promise<AspirantPanelView | undefined> {
  const [row] = await db
    .select({ conversation: conversations, aspirant: aspirants, assigneeName: assignee.name })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(eq(conversations.id, conversationId));
  if (!row) return undefined;
  const { conversation: c, aspirant: a } = row;
  const [photos, noteRows, eventRows, recruiters] = await Promise.all([
    db
      .select({ mediaId: media.id })
      .from(media)
      .innerJoin(messages, eq(messages.id, media.messageId))
      .where(and(eq(messages.conversationId, conversationId), eq(media.kind, 'image'), eq(media.state, 'stored')))
      .orderBy(desc(media.id))
      .limit(12),
    db
      .select({ id: notes.id, authorName: users.name, body: notes.body, createdAt: notes.createdAt })
      .from(notes)
      .leftJoin(users, eq(users.id, notes.authorId))
      .where(eq(notes.conversationId, conversationId))
      .orderBy(asc(notes.id)),
    db
      .select({ at: conversationEvents.at, type: conversationEvents.type })
      .from(conversationEvents)
      .where(and(eq(conversationEvents.conversationId, conversationId), sql`${conversationEvents.type} not in ('status.received', 'outbox.sent')`))
      .orderBy(desc(conversationEvents.id))
      .limit(30),
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.disabled, false)).orderBy(asc(users.name)),
  ]);
  const bot = c.botState as { step?: string } | null;
  return {
    conversationId,
    number: a.whatsappId,
    whatsappName: a.whatsappName ?? undefined,
    profile: {
      firstName: a.firstName ?? undefined,
      lastName: a.lastName ?? undefined,
      email: a.email ?? undefined,
      location: a.location ?? undefined,
      preferredModelingTypes: a.preferredModelingTypes as ModelingType[],
      hasKids: a.hasKids ?? undefined,
      preferredShift: a.preferredShift ?? undefined,
      unavailableShifts: a.unavailableShifts as DayPart[],
      notes: a.notes ?? undefined,
      locale: a.locale === 'en' ? 'en' : 'es',
      formSubmittedAt: a.formSubmittedAt ?? undefined,
    },
    optedOutAt: a.optedOutAt ?? undefined,
    photos,
    bot: { script: c.botScript ?? undefined, step: bot?.step, paused: c.botPaused },
    status: c.status as ConversationStatus,
    assignee: c.assigneeId ? { id: c.assigneeId, name: row.assigneeName ?? '' } : undefined,
    recruiters,
    notes: noteRows.map((n): NoteView => ({ id: n.id, authorName: n.authorName ?? 'former user', body: n.body, createdAt: n.createdAt })),
    events: eventRows.map((e) => ({ at: e.at, label: EVENT_LABELS[e.type] ?? e.type })),
  };
}

/** Opening a conversation reads it: its unread count goes back to zero. */
export async function markRead(db: Db, conversationId: number): Promise<void> {
  await db
    .update(conversations)
    .set({ unreadCount: 0 })
    .where(and(eq(conversations.id, conversationId), sql`${conversations.unreadCount} > 0`));
}

/** The actor key (the aspirant's number) and assignee of a conversation. */
export async function conversationKey(db: Db, conversationId: number): Promise<{ key: string; assigneeId: number | null; lastInboundAt: Date | null } | undefined> {
  const [row] = await db
    .select({ key: aspirants.whatsappId, assigneeId: conversations.assigneeId, lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(eq(conversations.id, conversationId));
  return row;
}

/** The conversation a media file belongs to, and where its bytes are. */
export async function mediaOwner(db: Db, mediaId: number) {
  const [row] = await db
    .select({ conversationId: messages.conversationId, blobKey: media.blobKey, contentType: media.contentType, state: media.state })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .where(eq(media.id, mediaId));
  return row;
}
