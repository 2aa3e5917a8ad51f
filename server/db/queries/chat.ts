/** @module server/db/queries/chat — the open conversation's reads: a page of the chat, one message bubble, the aspirant panel, a media file's owner. */
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contentOfRow } from '../../../actors/conversation/message-kinds';
import { CONVERSATION_STATUSES, type ConversationStatus, type DayPart, type ModelingType } from '../../../actors/vocabulary';
import { bsuidOf, contactLabel, phoneOf } from '../../../views/inbox/contact';
import type { AspirantPanelView, MessageView, NoteView } from '../../../views/inbox/types';
import type { Db } from '../client';
import { aspirants, conversationEvents, conversations, media, messages, notes, users } from '../schema';
import { assignee } from './inbox';
import { holdMinorsMedia, photosHeld } from '../../privacy/minor-photos';
import { firstReferral, reactionTarget, withReferences, type BubbleRow } from './chat-kinds';

export const CHAT_PAGE_SIZE = 60;

const author = alias(users, 'author');
/** The user an assignment event names (its payload's assigneeId). */
const eventAssignee = alias(users, 'event_assignee');

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
  kind: messages.kind,
  content: messages.content,
  providerSid: messages.providerSid,
  refersToSid: messages.refersToSid,
};

/** A MESSAGE_COLUMNS row as a bubble without media: the columns that may be null become absent. */
function bubble<R extends { authorName: string | null; errorCode: number | null; errorMessage: string | null }>(
  row: R,
): Omit<R, 'authorName' | 'errorCode' | 'errorMessage'> & Pick<MessageView, 'authorName' | 'errorCode' | 'errorMessage'> {
  return { ...row, authorName: row.authorName ?? undefined, errorCode: row.errorCode ?? undefined, errorMessage: row.errorMessage ?? undefined };
}

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
  const withMedia = await holdMinorsMedia(db, conversationId, await withReferences(db, conversationId, await attachMedia(db, page.map(bubble))));
  return { messages: withMedia, olderCursor: rows.length > limit ? String(page[0]!.id) : undefined };
}

async function attachMedia(db: Db, rows: Omit<BubbleRow, 'media'>[]): Promise<BubbleRow[]> {
  if (rows.length === 0) return [];
  const items = await db
    .select({ id: media.id, messageId: media.messageId, kind: media.kind, contentType: media.contentType, state: media.state, error: media.error, size: media.size })
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
      size: m.size ?? undefined,
    })),
  }));
}

/**
 * The bubble that shows this message: its own, or — for a reaction to a message we have — the bubble of the message
 * it reacts to (a push then replaces that bubble, with the reaction on it).
 */
export async function messageView(db: Db, messageId: number): Promise<MessageView | undefined> {
  const [row] = await db
    .select({ ...MESSAGE_COLUMNS, conversationId: messages.conversationId })
    .from(messages)
    .leftJoin(author, eq(author.id, messages.authorId))
    .where(eq(messages.id, messageId));
  if (!row) return undefined;
  const { conversationId, ...columns } = row;
  const target = await reactionTarget(db, conversationId, row);
  if (target !== undefined && target !== messageId) return messageView(db, target);
  const [view] = await holdMinorsMedia(db, conversationId, await withReferences(db, conversationId, await attachMedia(db, [bubble(columns)])));
  return view;
}

/** Her phone, username and BSUID, those she has (a key stored before they were kept apart is read for what it is). */
function identityAttributes(a: typeof aspirants.$inferSelect): Pick<AspirantPanelView, 'phone' | 'username' | 'bsuid'> {
  const fields = { key: a.whatsappId, phone: a.phone, bsuid: a.bsuid };
  const phone = phoneOf(fields);
  const bsuid = bsuidOf(fields);
  return { ...(phone ? { phone } : {}), ...(a.username ? { username: a.username } : {}), ...(bsuid ? { bsuid } : {}) };
}

export async function aspirantPanel(db: Db, conversationId: number): Promise<AspirantPanelView | undefined> {
  const [row] = await db
    .select({ conversation: conversations, aspirant: aspirants, assigneeName: assignee.name })
    .from(conversations)
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .where(eq(conversations.id, conversationId));
  if (!row) return undefined;
  const { conversation: c, aspirant: a } = row;
  const [photos, noteRows, eventRows, recruiters, referral, held] = await Promise.all([
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
    // Who did it, and what an assignment or a status change moved to (the event's payload: actors/conversation/types).
    db
      .select({
        at: conversationEvents.at,
        type: conversationEvents.type,
        byName: author.name,
        status: sql<string | null>`${conversationEvents.payload} ->> 'status'`,
        // The key is there (its value may be JSON null: unassigned).
        assigned: sql<boolean>`(${conversationEvents.payload} -> 'assigneeId') is not null`,
        assigneeName: eventAssignee.name,
      })
      .from(conversationEvents)
      .leftJoin(author, sql`${author.id} = (${conversationEvents.payload} ->> 'userId')::int`)
      .leftJoin(eventAssignee, sql`${eventAssignee.id} = (${conversationEvents.payload} ->> 'assigneeId')::int`)
      .where(and(eq(conversationEvents.conversationId, conversationId), sql`${conversationEvents.type} not in ('status.received', 'outbox.sent')`))
      .orderBy(desc(conversationEvents.id))
      .limit(30),
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.disabled, false)).orderBy(asc(users.name)),
    firstReferral(db, conversationId),
    photosHeld(db, conversationId),
  ]);
  const bot = c.botState as { step?: string } | null;
  return {
    conversationId,
    contact: contactLabel({ key: a.whatsappId, phone: a.phone, username: a.username, bsuid: a.bsuid, whatsappName: a.whatsappName }),
    ...identityAttributes(a),
    whatsappName: a.whatsappName ?? undefined,
    profile: {
      firstName: a.firstName ?? undefined,
      lastName: a.lastName ?? undefined,
      email: a.email ?? undefined,
      location: a.location ?? undefined,
      preferredModelingTypes: a.preferredModelingTypes as ModelingType[],
      preferredShift: a.preferredShift ?? undefined,
      unavailableShifts: a.unavailableShifts as DayPart[],
      notes: a.notes ?? undefined,
      locale: a.locale === 'en' ? 'en' : 'es',
      formSubmittedAt: a.formSubmittedAt ?? undefined,
    },
    optedOutAt: a.optedOutAt ?? undefined,
    // A minor's photos wait for her guardian's authorisation (Law 1581 Art. 7).
    photos: held ? [] : photos,
    ...(held ? { photosHeld: true } : {}),
    bot: { script: c.botScript ?? undefined, step: bot?.step, paused: c.botPaused },
    status: c.status as ConversationStatus,
    assignee: c.assigneeId ? { id: c.assigneeId, name: row.assigneeName ?? '' } : undefined,
    recruiters,
    notes: noteRows.map((n): NoteView => ({ id: n.id, authorName: n.authorName ?? 'former user', body: n.body, createdAt: n.createdAt })),
    events: eventRows.map((e) => ({
      at: e.at,
      type: e.type,
      by: e.byName ?? undefined,
      status: (CONVERSATION_STATUSES as readonly string[]).includes(e.status ?? '') ? (e.status as ConversationStatus) : undefined,
      assignee: e.type === 'conversation.assigned' && e.assigned ? (e.assigneeName ?? null) : undefined,
    })),
    ...(referral ? { referral } : {}),
  };
}

/** The conversation a media file belongs to, where its bytes are, and the file's name when she sent one (a document's). */
export async function mediaOwner(db: Db, mediaId: number) {
  const [row] = await db
    .select({ conversationId: messages.conversationId, blobKey: media.blobKey, contentType: media.contentType, state: media.state, kind: messages.kind, content: messages.content })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .where(eq(media.id, mediaId));
  if (!row) return undefined;
  const { kind, content, ...owner } = row;
  const said = contentOfRow(kind, content);
  return { ...owner, fileName: said.kind === 'document' ? said.fileName : undefined };
}
