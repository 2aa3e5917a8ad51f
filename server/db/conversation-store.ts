/** @module server/db/conversation-store — the ConversationStore port on drizzle: load an actor's state, commit one event in one transaction. */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CommitResult, ConversationStore } from '../../actors/conversation/ports';
import { initialState } from '../../actors/conversation/decide';
import type { ConversationEvent, ConversationState, Effect } from '../../actors/conversation/types';
import type { Db } from './client';
import { apply, mergePatches, ParkStatus, type Ctx } from './conversation-effects';
import { commitFastInbound, fastInboundPlan } from './fast-inbound';
import type { FastInboundWriter } from './fast-inbound-batch';
import { commitFastStatus, fastStatusPlan } from './fast-status';
import type { GroupCommitter, Tx } from './group-commit';
import { aspirants, conversationEvents, conversations, inboundEvents } from './schema';

/** How commits travel: without them, each event commits in its own transaction (tests, tools). */
export interface CommitPaths {
  /** The general path's many-statement units, batched into shared transactions. */
  general: GroupCommitter;
  /**
   * One-statement commits (delivery updates): kept apart from `general`, a quick commit never waits in a batch
   * behind a conversation's first message. With one connection (PGlite) the same committer as `general`.
   */
  fast: GroupCommitter;
  /** Plain inbound messages: many conversations' messages in one statement. */
  inbound: FastInboundWriter;
}

export function createConversationStore(db: Db, paths?: CommitPaths): ConversationStore {
  const committer = paths?.general;
  const fastCommitter = paths?.fast;
  return {
    async load(key) {
      const [row] = await db
        .select({
          aspirantId: aspirants.id,
          whatsappName: aspirants.whatsappName,
          firstName: aspirants.firstName,
          hasKids: aspirants.hasKids,
          locale: aspirants.locale,
          formSubmittedAt: aspirants.formSubmittedAt,
          optedOutAt: aspirants.optedOutAt,
          id: conversations.id,
          status: conversations.status,
          lastInboundAt: conversations.lastInboundAt,
          botPaused: conversations.botPaused,
          botState: conversations.botState,
          botScript: conversations.botScript,
          assigneeId: conversations.assigneeId,
        })
        .from(aspirants)
        .leftJoin(conversations, eq(conversations.aspirantId, aspirants.id))
        .where(eq(aspirants.whatsappId, key))
        .limit(1);
      if (!row) return initialState(key);
      return {
        key,
        conversationId: row.id,
        aspirantId: row.aspirantId,
        script: row.botScript,
        bot: (row.botState as ConversationState['bot']) ?? null,
        facts: {
          locale: row.locale === 'en' ? 'en' : 'es',
          firstName: row.firstName ?? undefined,
          whatsappName: row.whatsappName ?? undefined,
          hasKids: row.hasKids ?? undefined,
          formSubmitted: row.formSubmittedAt !== null,
        },
        status: row.status ?? 'new',
        lastInboundAt: row.lastInboundAt?.getTime() ?? null,
        optedOut: row.optedOutAt !== null,
        botPaused: row.botPaused ?? false,
        assigneeId: row.assigneeId ?? null,
      } satisfies ConversationState;
    },

    /** The aspirant row exists before the first decision, so the bot's first message can carry the form link. */
    async ensureAspirant(key, whatsappName) {
      const [row] = await db
        .insert(aspirants)
        .values({ whatsappId: key, whatsappName })
        .onConflictDoUpdate({ target: aspirants.whatsappId, set: { updatedAt: new Date() } })
        .returning({ id: aspirants.id });
      return row!.id;
    },

    async commit(key, state, effects, event, now) {
      const fast = fastInboundPlan(state.conversationId, effects);
      if (fast) return paths ? paths.inbound.commit(fast, event, now) : commitFastInbound(db, fast, event, now);
      const status = fastStatusPlan(state.conversationId, effects);
      if (status) {
        const done = await (fastCommitter ? fastCommitter.single((run) => commitFastStatus(run, status, event, now)) : commitFastStatus(db, status, event, now));
        // null: the message is not there yet — the general path below parks a callback for it.
        if (done) return done;
      }
      // The unit may run twice (a batch that failed is retried unit by unit): it starts from scratch each time.
      async function work(tx: Tx): Promise<Ctx> {
        const ctx: Ctx = { key, conversationId: state.conversationId, result: emptyResult(state.conversationId) };
        if (await alreadyApplied(tx, ctx, event)) return ctx;
        for (const effect of orderEffects(effects)) {
          if (!(await apply(tx, ctx, effect))) return ctx;
        }
        if (ctx.conversationId !== null) await journal(tx, ctx.conversationId, event, now, Object.values(ctx.result.messageIds));
        return ctx;
      }
      let ctx: Ctx;
      try {
        ctx = await (committer ? committer.run(work) : db.transaction(work));
      } catch (error) {
        if (!(error instanceof ParkStatus)) throw error;
        await parkEvent(db, event);
        return { ...emptyResult(state.conversationId), parked: true };
      }
      ctx.result.conversationId = ctx.conversationId;
      return ctx.result;
    },
  };
}

/**
 * A recruiter's command whose journal row exists was committed before (its COMMIT's answer was lost, and the unit or
 * the event was retried): nothing is written again; `messageIds.reply` is the reply it created. Served by the
 * unique index conversation_events_command_key (the expression must stay the same).
 */
async function alreadyApplied(tx: Tx, ctx: Ctx, event: ConversationEvent): Promise<boolean> {
  const commandId = 'commandId' in event ? event.commandId : undefined;
  if (!commandId) return false;
  const [row] = await tx
    .select({ messageIds: conversationEvents.messageIds })
    .from(conversationEvents)
    .where(and(sql`(${conversationEvents.payload} ->> 'commandId') = ${commandId}`, sql`(${conversationEvents.payload} ->> 'commandId') IS NOT NULL`))
    .limit(1);
  if (!row) return false;
  ctx.result.applied = false;
  if (row.messageIds[0] !== undefined) ctx.result.messageIds = { reply: row.messageIds[0] };
  return true;
}

/** The event as handled: replays and the history panel read it. */
async function journal(tx: Tx, conversationId: number, event: ConversationEvent, now: number, messageIds: number[]): Promise<void> {
  await tx.insert(conversationEvents).values({ conversationId, type: event.type, payload: event, messageIds, at: new Date(now) });
}

function emptyResult(conversationId: number | null): CommitResult {
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

async function parkEvent(db: Db, event: ConversationEvent): Promise<void> {
  if (!('eventId' in event)) return;
  await db
    .update(inboundEvents)
    .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: 'waiting for the message it reports on' })
    .where(eq(inboundEvents.id, event.eventId));
}

/** Status callbacks that arrived before their message's sid was recorded, to process now. */
export async function parkedStatusEvents(db: Db, sids: string[]) {
  if (sids.length === 0) return [];
  return parkedStatusQuery(db, sids);
}

/** Served by the partial index inbound_events_parked_status_idx (the sid expression must stay the same). */
export function parkedStatusQuery(db: Db, sids: string[]) {
  return db
    .select()
    .from(inboundEvents)
    .where(and(isNull(inboundEvents.processedAt), eq(inboundEvents.kind, 'status'), inArray(sql`${inboundEvents.payload}->'event'->>'messageSid'`, sids)));
}
