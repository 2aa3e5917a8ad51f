/**
 * @module server/conversations/dead-letters — events that failed every retry for a reason of their own (a bug, bad
 * data; never an outage, which is waited out): recorded for an operator, shown on the conversation, and re-driven
 * on request (`wasap dead-letters list|retry`).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ConversationEvent } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import type { Fence } from '../cluster/fence';
import { deadLetters, inboundEvents } from '../db/schema';
import { NotFoundError } from '../errors';

export type DeadLetterRow = typeof deadLetters.$inferSelect;

/** What an operator sees of a dead letter: no payload (it may carry personal data), the event's type and the error. */
export interface DeadLetterSummary {
  id: number;
  conversationKey: string;
  type: string;
  error: string;
  attempts: number;
  createdAt: string;
  resolvedAt: string | null;
}

export function summarise(row: DeadLetterRow): DeadLetterSummary {
  return {
    id: row.id,
    conversationKey: row.conversationKey,
    type: String((row.event as { type?: unknown }).type ?? 'unknown'),
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * Records `event` as dead-lettered, marks its conversation needs_attention, and closes its inbound event (if still
 * open) so start-up recovery does not replay it again and again. With a fence (several processes), all of it in one
 * transaction that first checks this process still owns the conversation (LeaseLostError otherwise).
 */
export async function recordDeadLetter(db: Db, key: string, event: ConversationEvent, error: unknown, attempts: number, fence?: Fence): Promise<void> {
  // drizzle appends the query's parameters (numbers, texts) to its message: they stay out of the record.
  const message = ((error as Error)?.message ?? String(error)).split('\nparams:')[0]!;
  await db.transaction(async (tx) => {
    await fence?.check(tx, [key]);
    await tx.insert(deadLetters).values({ conversationKey: key, inboundEventId: 'eventId' in event ? event.eventId : null, event, error: message, attempts });
    await tx.execute(sql`update conversations set status = 'needs_attention', updated_at = now()
      where aspirant_id = (select id from aspirants where whatsapp_id = ${key})`);
    if ('eventId' in event) {
      await tx
        .update(inboundEvents)
        .set({ processedAt: new Date(), lastError: `dead-lettered: ${message}` })
        .where(and(eq(inboundEvents.id, event.eventId), isNull(inboundEvents.processedAt)));
    }
  });
}

/** Newest first; only the open ones unless `all`. At most `limit` (default 100). */
export async function listDeadLetters(db: Db, options: { all?: boolean; limit?: number } = {}): Promise<DeadLetterRow[]> {
  return db
    .select()
    .from(deadLetters)
    .where(options.all ? undefined : isNull(deadLetters.resolvedAt))
    .orderBy(desc(deadLetters.id))
    .limit(options.limit ?? 100);
}

/** The open dead letters of one conversation (by its actor key), newest first, for the chat's notice. */
export async function openDeadLettersOf(db: Db, key: string): Promise<DeadLetterRow[]> {
  return db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.conversationKey, key), isNull(deadLetters.resolvedAt)))
    .orderBy(desc(deadLetters.id))
    .limit(20);
}

/**
 * Marks dead letter `id` resolved and hands back what to tell its actor again. An inbound event is reopened
 * (processed_at cleared) and handed back as its durable row — so data corrected there is what is re-driven, exactly
 * as recovery would; any other event as it was recorded. Throws NotFoundError when there is no open dead letter
 * with that id (already retried, or never).
 */
export async function reopenDeadLetter(db: Db, id: number): Promise<{ key: string; event: ConversationEvent; inbound?: typeof inboundEvents.$inferSelect }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(deadLetters)
      .set({ resolvedAt: new Date() })
      .where(and(eq(deadLetters.id, id), isNull(deadLetters.resolvedAt)))
      .returning();
    if (!row) throw new NotFoundError(`Open dead letter ${id}`);
    const [inbound] = row.inboundEventId === null ? [] : await tx.update(inboundEvents).set({ processedAt: null, lastError: null }).where(eq(inboundEvents.id, row.inboundEventId)).returning();
    return { key: row.conversationKey, event: row.event as ConversationEvent, inbound };
  });
}
