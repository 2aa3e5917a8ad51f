/** @module server/db/queries/messages — reading a conversation's messages. */
import { desc, eq } from 'drizzle-orm';
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
