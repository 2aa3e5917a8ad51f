/** @module server/db/conversation-store — the ConversationStore port on drizzle: load an actor's state, commit one event in one transaction. */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CommitResult, ConversationStore } from '../../actors/conversation/ports';
import { initialState } from '../../actors/conversation/decide';
import type { ConversationEvent, ConversationState, Effect } from '../../actors/conversation/types';
import type { Db } from './client';
import type { GroupCommitter, Tx } from './group-commit';
import { aspirants, auditLog, conversationEvents, conversations, inboundEvents, media, messages, notes, outbox, timers } from './schema';


/** Thrown inside the transaction to roll it back when a status callback arrives before its message's sid is known. */
class ParkStatus extends Error {}

const ORDER = sql`array['received','queued','sending','sent','delivered','read']::delivery_status[]`;

interface Ctx {
  key: string;
  conversationId: number | null;
  result: CommitResult;
}

export function createConversationStore(db: Db, committer?: GroupCommitter): ConversationStore {
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
      // The unit may run twice (a batch that failed is retried unit by unit): it starts from scratch each time.
      async function work(tx: Tx): Promise<Ctx> {
        const ctx: Ctx = { key, conversationId: state.conversationId, result: emptyResult(state.conversationId) };
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

/** The event as handled, minus what cannot be stored (the reply callback): replays and the history panel read it. */
async function journal(tx: Tx, conversationId: number, event: ConversationEvent, now: number, messageIds: number[]): Promise<void> {
  const { reply: _reply, ...payload } = event as ConversationEvent & { reply?: unknown };
  await tx.insert(conversationEvents).values({ conversationId, type: event.type, payload, messageIds, at: new Date(now) });
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
  const merged: Effect | undefined = patches.length
    ? {
        type: 'conversation.patch',
        patch: patches.reduce<Extract<Effect, { type: 'conversation.patch' }>['patch']>((all, { patch }) => {
          const unread = (all.unreadIncrement ?? 0) + (patch.unreadIncrement ?? 0);
          return { ...all, ...stripUndefined(patch), ...(unread ? { unreadIncrement: unread } : {}) };
        }, {}),
      }
    : undefined;
  const lastPatch = patches.at(-1);
  const rest = effects.flatMap((e): Effect[] => (e.type === 'conversation.patch' ? (e === lastPatch ? [merged!] : []) : [e]));
  return [...rest.filter((e) => MARKERS.has(e.type)), ...rest.filter((e) => !MARKERS.has(e.type) && e.type !== 'reply')];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function parkEvent(db: Db, event: ConversationEvent): Promise<void> {
  if (!('eventId' in event)) return;
  await db
    .update(inboundEvents)
    .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: 'waiting for the message it reports on' })
    .where(eq(inboundEvents.id, event.eventId));
}

function requireConversation(ctx: Ctx): number {
  if (ctx.conversationId === null) throw new Error(`conversation ${ctx.key} has no row yet`);
  return ctx.conversationId;
}

/** Applies one effect; returns false to stop (the event was already processed). */
async function apply(tx: Tx, ctx: Ctx, effect: Effect): Promise<boolean> {
  switch (effect.type) {
    case 'inbound.processed': {
      const done = await tx
        .update(inboundEvents)
        .set({ processedAt: new Date(), attempts: sql`${inboundEvents.attempts} + 1`, lastError: null })
        .where(and(eq(inboundEvents.id, effect.eventId), isNull(inboundEvents.processedAt)))
        .returning({ id: inboundEvents.id });
      ctx.result.applied = done.length > 0;
      return ctx.result.applied;
    }
    case 'timer.consumed': {
      const fired = await tx
        .update(timers)
        .set({ firedAt: new Date() })
        .where(and(eq(timers.id, effect.timerId), isNull(timers.firedAt), isNull(timers.cancelledAt)))
        .returning({ id: timers.id });
      ctx.result.applied = fired.length > 0;
      return ctx.result.applied;
    }
    case 'timer.schedule':
      await cancelTimers(tx, requireConversation(ctx), effect.name);
      await tx.insert(timers).values({ conversationId: requireConversation(ctx), name: effect.name, fireAt: new Date(effect.at) });
      ctx.result.timersChanged = true;
      return true;
    case 'timer.cancel':
      await cancelTimers(tx, requireConversation(ctx), effect.name);
      return true;
    case 'note.add':
      await tx.insert(notes).values({ conversationId: requireConversation(ctx), authorId: effect.authorId, body: effect.body });
      return true;
    case 'audit':
      await tx.insert(auditLog).values({
        actorUserId: effect.actorUserId,
        actor: sql`(select email from users where id = ${effect.actorUserId})`,
        action: effect.action,
        targetType: 'conversation',
        targetId: String(requireConversation(ctx)),
        details: effect.details,
      });
      return true;
    case 'conversation.create':
      ctx.conversationId = await createConversation(tx, ctx.key, effect.whatsappName);
      return true;
    case 'aspirant.patch':
      await tx
        .update(aspirants)
        .set({
          whatsappName: effect.whatsappName === undefined ? undefined : effect.whatsappName,
          optedOutAt: effect.optedOut === undefined ? undefined : effect.optedOut ? new Date(effect.at) : null,
          updatedAt: new Date(),
        })
        .where(eq(aspirants.whatsappId, ctx.key));
      return true;
    case 'aspirant.profile':
      await tx
        .update(aspirants)
        .set({
          firstName: effect.profile.firstName,
          lastName: effect.profile.lastName,
          email: effect.profile.email ?? null,
          location: effect.profile.location,
          preferredModelingTypes: effect.profile.preferredModelingTypes,
          hasKids: effect.profile.hasKids,
          preferredShift: effect.profile.preferredShift,
          unavailableShifts: effect.profile.unavailableShifts,
          notes: effect.profile.notes ?? null,
          locale: effect.profile.locale,
          formSubmittedAt: new Date(effect.at),
          consentAt: new Date(effect.at),
          updatedAt: new Date(),
        })
        .where(eq(aspirants.whatsappId, ctx.key));
      return true;
    case 'message.add':
      await addMessage(tx, ctx, effect.message);
      return true;
    case 'message.status':
      await updateStatus(tx, ctx, effect);
      return true;
    case 'outbox.enqueue':
      await enqueue(tx, ctx, effect);
      return true;
    case 'conversation.patch':
      await patchConversation(tx, requireConversation(ctx), effect.patch);
      return true;
    case 'media.record':
      await recordMedia(tx, ctx, effect);
      return true;
    case 'reply':
      return true;
  }
}

async function cancelTimers(tx: Tx, conversationId: number, name: string): Promise<void> {
  await tx
    .update(timers)
    .set({ cancelledAt: new Date() })
    .where(and(eq(timers.conversationId, conversationId), isNull(timers.firedAt), isNull(timers.cancelledAt), name === '*' ? sql`true` : eq(timers.name, name)));
}

async function createConversation(tx: Tx, key: string, whatsappName?: string): Promise<number> {
  const [aspirant] = await tx
    .insert(aspirants)
    .values({ whatsappId: key, whatsappName })
    .onConflictDoUpdate({ target: aspirants.whatsappId, set: { updatedAt: new Date() } })
    .returning({ id: aspirants.id });
  const [conversation] = await tx
    .insert(conversations)
    .values({ aspirantId: aspirant!.id })
    .onConflictDoUpdate({ target: conversations.aspirantId, set: { updatedAt: new Date() } })
    .returning({ id: conversations.id });
  return conversation!.id;
}

async function addMessage(tx: Tx, ctx: Ctx, message: Extract<Effect, { type: 'message.add' }>['message']): Promise<void> {
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: requireConversation(ctx),
      sender: message.sender,
      body: message.body,
      status: message.status,
      providerSid: message.providerSid,
      authorId: message.authorId,
      templateSid: message.templateSid,
      extra: message.extra,
    })
    .returning({ id: messages.id });
  ctx.result.messageIds[message.ref] = row!.id;
  ctx.result.touchedMessageIds.push(row!.id);
  if (message.media?.length) {
    const rows = await tx
      .insert(media)
      .values(message.media.map((m) => ({ messageId: row!.id, contentType: m.contentType, sourceUrl: m.url })))
      .returning({ id: media.id });
    ctx.result.mediaIds.push(...rows.map((r) => r.id));
  }
}

/** Statuses only move forward; failed and undelivered are terminal. Enforced in SQL, so callbacks in any order end at the furthest. */
async function updateStatus(tx: Tx, ctx: Ctx, effect: Extract<Effect, { type: 'message.status' }>): Promise<void> {
  const match = 'messageId' in effect.match ? eq(messages.id, effect.match.messageId) : eq(messages.providerSid, effect.match.providerSid);
  if (effect.providerSid) {
    await tx.update(messages).set({ providerSid: effect.providerSid, updatedAt: new Date() }).where(match);
    ctx.result.recordedSids.push(effect.providerSid);
  }
  const terminal = effect.status === 'failed' || effect.status === 'undelivered';
  const moved = await tx
    .update(messages)
    .set({ status: effect.status, errorCode: effect.errorCode, errorMessage: effect.errorMessage, updatedAt: new Date() })
    .where(
      and(
        match,
        sql`${messages.status} not in ('failed', 'undelivered')`,
        terminal ? sql`true` : sql`coalesce(array_position(${ORDER}, ${messages.status}), 0) < array_position(${ORDER}, ${effect.status}::delivery_status)`,
      ),
    )
    .returning({ id: messages.id, conversationId: messages.conversationId });
  ctx.result.touchedMessageIds.push(...moved.map((m) => m.id));
  if (moved.length === 0 && 'providerSid' in effect.match) {
    const [exists] = await tx.select({ id: messages.id }).from(messages).where(match).limit(1);
    if (!exists) throw new ParkStatus();
  }
}

async function enqueue(tx: Tx, ctx: Ctx, effect: Extract<Effect, { type: 'outbox.enqueue' }>): Promise<void> {
  const messageId = ctx.result.messageIds[effect.messageRef];
  if (messageId === undefined) throw new Error(`outbox.enqueue refers to unknown message ${effect.messageRef}`);
  await tx.insert(outbox).values({
    messageId,
    conversationId: requireConversation(ctx),
    idempotencyKey: Bun.randomUUIDv7(),
    toNumber: ctx.key,
    body: effect.body,
    contentSid: effect.contentSid,
    contentVariables: effect.contentVariables,
  });
  ctx.result.enqueued = true;
}

async function patchConversation(tx: Tx, id: number, patch: Extract<Effect, { type: 'conversation.patch' }>['patch']): Promise<void> {
  const date = (ms?: number) => (ms === undefined ? undefined : new Date(ms));
  await tx
    .update(conversations)
    .set({
      status: patch.status,
      lastInboundAt: date(patch.lastInboundAt),
      lastMessageAt: date(patch.lastMessageAt),
      lastMessagePreview: patch.lastMessagePreview,
      unreadCount: patch.unreadIncrement ? sql`${conversations.unreadCount} + ${patch.unreadIncrement}` : undefined,
      botPaused: patch.botPaused,
      botState: patch.botState,
      botScript: patch.botScript,
      assigneeId: patch.assigneeId,
      updatedAt: new Date(),
    })
    .where(eq(conversations.id, id));
}

async function recordMedia(tx: Tx, ctx: Ctx, effect: Extract<Effect, { type: 'media.record' }>): Promise<void> {
  const values = effect.stored
    ? { state: 'stored', error: null, ...effect.stored }
    : { state: 'unavailable', error: effect.failed ?? 'unknown error', attempts: sql`${media.attempts} + 1` };
  const rows = await tx.update(media).set(values).where(eq(media.id, effect.mediaId)).returning({ messageId: media.messageId });
  ctx.result.touchedMessageIds.push(...rows.map((r) => r.messageId));
}

/** Status callbacks that arrived before their message's sid was recorded, to process now. */
export async function parkedStatusEvents(db: Db, sids: string[]) {
  if (sids.length === 0) return [];
  return db
    .select()
    .from(inboundEvents)
    .where(and(isNull(inboundEvents.processedAt), eq(inboundEvents.kind, 'status'), inArray(sql`${inboundEvents.payload}->'event'->>'messageSid'`, sids)));
}
