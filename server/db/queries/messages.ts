/** @module server/db/queries/messages — reading a conversation's messages, and the messages they refer to. */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { aspirants, conversations, media, messages } from '../schema';

/** The last messages of the conversation with this number, oldest first, with their media's state (the simulator's phone). */
export async function threadForNumber(db: Db, number: string, limit = 100) {
  const rows = await db
    .select({ id: messages.id, sender: messages.sender, body: messages.body, createdAt: messages.createdAt, mediaKind: media.kind, mediaType: media.contentType })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .leftJoin(media, eq(media.messageId, messages.id))
    .where(eq(aspirants.whatsappId, number))
    .orderBy(desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

/** A message another one refers to (a quoted reply, a reaction's target), as found by its provider id. */
export interface ReferredMessage {
  id: number;
  providerSid: string;
  sender: 'aspirant' | 'recruiter' | 'bot';
  kind: (typeof messages.$inferSelect)['kind'];
  body: string;
}

/**
 * Our messages of one conversation with these provider ids (messages.refers_to_sid values), by provider id: a quoted
 * message or a reaction's target. An id not found (a message from before the inbox existed) is simply absent.
 */
export async function referredMessages(db: Db, conversationId: number, sids: readonly string[]): Promise<Map<string, ReferredMessage>> {
  const wanted = [...new Set(sids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: messages.id, providerSid: messages.providerSid, sender: messages.sender, kind: messages.kind, body: messages.body })
    .from(messages)
    .where(and(inArray(messages.providerSid, wanted), eq(messages.conversationId, conversationId)));
  return new Map(rows.map((row) => [row.providerSid!, { ...row, providerSid: row.providerSid! }]));
}
