/**
 * @module server/privacy/request-notices — tells the data subject, on WhatsApp and in her language, that her request's
 * term was extended (Law 1581 Art. 14 ¶ and Art. 15: "se informará al interesado los motivos de la demora y la fecha
 * en que se atenderá") or what the answer is. The message goes through her conversation's actor exactly as a
 * recruiter's reply does (ConversationSystem.reply: persisted, then the outbox sends it; the 24-hour window and an
 * opt-out are enforced there), in the name of the admin who acted — so, like any reply, it pauses the bot.
 */
import { eq } from 'drizzle-orm';
import { aspirantDay, requestAspirantStrings } from '../../views/privacy/requests-aspirant-strings';
import type { ConversationSystem } from '../conversations/system';
import type { Db } from '../db/client';
import { conversationKey } from '../db/queries/inbox';
import { aspirants, conversations } from '../db/schema';
import type { RequestRow } from './requests';

/** Sent, or why not: she has no conversation, or the actor refused (its ReplyResult code and message). */
export type NoticeOutcome = { sent: true } | { sent: false; why: 'no_conversation' } | { sent: false; why: 'refused'; code?: string; message: string };

export interface NoticeDeps {
  db: Db;
  conversations: Pick<ConversationSystem, 'reply'>;
}

/** Her conversation's actor key and her language, or undefined when she has none (or was erased). */
async function recipientOf(db: Db, row: RequestRow): Promise<{ key: string; locale: string } | undefined> {
  if (row.aspirantId === null) return undefined;
  let conversationId = row.conversationId;
  if (conversationId === null) {
    const [found] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, row.aspirantId));
    conversationId = found?.id ?? null;
  }
  if (conversationId === null) return undefined;
  const [conversation, [aspirant]] = await Promise.all([conversationKey(db, conversationId), db.select({ locale: aspirants.locale }).from(aspirants).where(eq(aspirants.id, row.aspirantId))]);
  return conversation && aspirant ? { key: conversation.key, locale: aspirant.locale } : undefined;
}

async function send(deps: NoticeDeps, row: RequestRow, userId: number, text: (locale: string) => string): Promise<NoticeOutcome> {
  const to = await recipientOf(deps.db, row);
  if (!to) return { sent: false, why: 'no_conversation' };
  const result = await deps.conversations.reply(to.key, { userId, body: text(to.locale) });
  return result.ok ? { sent: true } : { sent: false, why: 'refused', code: result.code, message: result.message ?? '' };
}

/** Tells her the term was extended: the reason and the new day (row.extendedDueOn). */
export function tellExtended(deps: NoticeDeps, row: RequestRow, userId: number): Promise<NoticeOutcome> {
  return send(deps, row, userId, (locale) => requestAspirantStrings(locale).extended(row.extensionReason ?? '', aspirantDay(row.extendedDueOn ?? row.dueOn, locale)));
}

/** Tells her the answer (row.resolution), done or rejected. */
export function tellResolved(deps: NoticeDeps, row: RequestRow, userId: number): Promise<NoticeOutcome> {
  const outcome = row.status === 'rejected' ? 'rejected' : 'done';
  return send(deps, row, userId, (locale) => requestAspirantStrings(locale).resolved[outcome](row.resolution ?? ''));
}
