/**
 * @module server/privacy/erase-records — what is known of an erasure after it (Law 1581 Art. 15): the `aspirant.erased`
 * audit entry written by server/privacy/erase (ids and counts, no personal data). With it an erased aspirant or
 * conversation is told apart from one that never existed: the admin page says what was deleted, and replay answers
 * 410 Gone (`ConversationErasedError`) instead of "not found".
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { AppError } from '../errors';

/** An erasure as its audit entry recorded it: when, by whom (an admin's e-mail, `cli`, a token, `retention`), and the counts. */
export interface ErasureRecord {
  at: Date;
  actor: string;
  /** `reason`, `requestId`, `conversationIds` and the counts of server/privacy/erase ErasureReport's rows. */
  details: Record<string, unknown>;
}

/** A conversation that was erased: nothing of it is left to replay or show. */
export class ConversationErasedError extends AppError {
  override readonly code = 'CONVERSATION_ERASED' as const;
  constructor(conversationId: number) {
    super('CONVERSATION_ERASED', 410, `Conversation ${conversationId} was erased (Law 1581, supresión): nothing of it is left.`);
  }
}

/** The erasure of aspirant `aspirantId`, or null when she was never erased. */
export async function erasureOf(db: Db, aspirantId: number): Promise<ErasureRecord | null> {
  const [row] = rowsOf<{ at: Date | string; actor: string; details: unknown }>(
    await db.execute(sql`select created_at as at, actor, details from audit_log
      where action = 'aspirant.erased' and target_type = 'aspirant' and target_id = ${String(aspirantId)} order by id desc limit 1`),
  );
  if (!row) return null;
  const details = (typeof row.details === 'string' ? JSON.parse(row.details) : (row.details ?? {})) as Record<string, unknown>;
  return { at: new Date(row.at), actor: row.actor, details };
}

/** Whether conversation `conversationId` belonged to an erased aspirant (its id is in an erasure's entry). */
export async function conversationErased(db: Db, conversationId: number): Promise<boolean> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from audit_log
      where action = 'aspirant.erased' and details -> 'conversationIds' @> ${JSON.stringify([conversationId])}::jsonb`),
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Runs `work` on a conversation; a "not found" (404) for one that was erased becomes ConversationErasedError (410).
 * @throws ConversationErasedError, or what `work` throws.
 */
export async function unlessErased<T>(db: Db, conversationId: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.status === 404 && (await conversationErased(db, conversationId))) throw new ConversationErasedError(conversationId);
    throw error;
  }
}
