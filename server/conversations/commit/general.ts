/**
 * @module server/conversations/commit/general — the general lane: one event's effects applied one by one in a
 * transaction (which the door may share with other events': group commit), the exactly-once markers first, the
 * event journaled last.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import type { ConversationEvent, ConversationState, Effect } from '../../../actors/conversation/types';
import type { Db, Tx } from '../../db/client';
import { conversationEvents, inboundEvents } from '../../db/schema';
import { apply, type Ctx } from './general-effects';
import { mergePatches } from './patch-columns';

export { ParkStatus } from './general-effects';

/** One event's unit of work; it may run twice (a shared transaction that failed is retried unit by unit), so it starts from scratch each time. */
export function generalUnit(key: string, state: ConversationState, effects: Effect[], event: ConversationEvent, now: number) {
  return async (tx: Tx): Promise<CommitResult> => {
    const ctx: Ctx = { key, conversationId: state.conversationId, result: emptyResult(state.conversationId) };
    if (!(await alreadyApplied(tx, ctx, event))) {
      let applied = true;
      for (const effect of orderEffects(effects)) {
        if (!(await apply(tx, ctx, effect))) {
          // Processed before (told twice: a hint and a catch-up, or a retry): the actor reloads what was committed.
          applied = false;
          ctx.result.applied = false;
          break;
        }
      }
      if (applied && ctx.conversationId !== null) await journal(tx, ctx.conversationId, event, now, Object.values(ctx.result.messageIds));
    }
    ctx.result.conversationId = ctx.conversationId;
    return ctx.result;
  };
}

/**
 * A recruiter's command whose journal row exists was committed before (its COMMIT's answer was lost, and the unit or
 * the event was retried): nothing is written again; `messageIds.reply` is the reply it created.
 */
async function alreadyApplied(tx: Tx, ctx: Ctx, event: ConversationEvent): Promise<boolean> {
  const commandId = 'commandId' in event ? event.commandId : undefined;
  if (!commandId) return false;
  const earlier = await committedCommand(tx, commandId);
  if (!earlier) return false;
  ctx.result.applied = false;
  if (earlier.messageId !== undefined) ctx.result.messageIds = { reply: earlier.messageId };
  return true;
}

/**
 * The command `commandId` as committed, if it was: `{ messageId }` is the first message it created (a reply's),
 * undefined when it created none. Served by the unique index conversation_events_command_key (the expression must
 * stay the same).
 */
export async function committedCommand(db: Db | Tx, commandId: string): Promise<{ messageId?: number } | undefined> {
  const [row] = await db
    .select({ messageIds: conversationEvents.messageIds })
    .from(conversationEvents)
    .where(and(sql`(${conversationEvents.payload} ->> 'commandId') = ${commandId}`, sql`(${conversationEvents.payload} ->> 'commandId') IS NOT NULL`))
    .limit(1);
  return row ? { messageId: row.messageIds[0] } : undefined;
}

/** The event as handled: replays and the history panel read it. */
async function journal(tx: Tx, conversationId: number, event: ConversationEvent, now: number, messageIds: number[]): Promise<void> {
  await tx.insert(conversationEvents).values({ conversationId, type: event.type, payload: event, messageIds, at: new Date(now) });
}

export function emptyResult(conversationId: number | null): CommitResult {
  return { applied: true, conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
}

const MARKERS = new Set<Effect['type']>(['inbound.processed', 'timer.consumed']);

/**
 * The exactly-once markers run first: a duplicate delivery (or a timer already fired or cancelled)
 * must write nothing. All conversation patches become one UPDATE, where the last of them stood.
 */
function orderEffects(effects: Effect[]): Effect[] {
  const patches = effects.filter((e): e is Extract<Effect, { type: 'conversation.patch' }> => e.type === 'conversation.patch');
  const merged: Effect = { type: 'conversation.patch', patch: mergePatches(patches.map((e) => e.patch)) };
  const lastPatch = patches.at(-1);
  const rest = effects.flatMap((e): Effect[] => (e.type === 'conversation.patch' ? (e === lastPatch ? [merged] : []) : [e]));
  return [...rest.filter((e) => MARKERS.has(e.type)), ...rest.filter((e) => !MARKERS.has(e.type))];
}

/** A status callback for a message whose sid is not recorded yet: counted as an attempt and left unprocessed (re-told when the sid is recorded). */
export async function parkEvent(db: Db | Tx, event: ConversationEvent): Promise<void> {
  if (!('eventId' in event)) return;
  await db
    .update(inboundEvents)
    .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: 'waiting for the message it reports on' })
    .where(eq(inboundEvents.id, event.eventId));
}
