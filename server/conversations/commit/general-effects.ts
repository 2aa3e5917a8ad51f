/**
 * @module server/conversations/commit/general-effects — the general lane's effects: each effect of a conversation event applied in
 * order inside the event's transaction (recruiters' commands, forms, media, notes, audits, parked status callbacks).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import type { Effect, FormProfile } from '../../../actors/conversation/types';
import { isTerminal } from '../../../actors/vocabulary';
import type { Db, Tx } from '../../db/client';
import { aspirants, auditLog, conversations, dataSubjectRequests, inboundEvents, media, messages, notes, outbox, timers } from '../../db/schema';
import { DELIVERY_ORDER_SQL, TERMINAL_STATUSES_SQL } from '../../db/vocabulary-sql';
import { rowsOf } from '../../db/rows';
import { MESSAGE_INSERT_COLUMNS, MESSAGE_RECORD_COLUMNS, messageInput, messageValues } from './message-columns';
import { PATCH_RECORD_COLUMNS, PATCH_SET_SQL, patchInput } from './patch-columns';
import { REQUEST_TEXT_MAX } from '../../privacy/requests';

/** Thrown inside the transaction to roll it back when a status callback arrives before its message's sid is known. */
export class ParkStatus extends Error {}

export interface Ctx {
  key: string;
  conversationId: number | null;
  result: CommitResult;
}

function requireConversation(ctx: Ctx): number {
  if (ctx.conversationId === null) throw new Error(`conversation ${ctx.key} has no row yet`);
  return ctx.conversationId;
}

/** Applies one effect; returns false to stop (the event was already processed). */
export async function apply(tx: Tx, ctx: Ctx, effect: Effect): Promise<boolean> {
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
        // coalesce, not two IS NULLs: see cancelTimers (the lookup is by id, never through timers_due_idx).
        .where(and(eq(timers.id, effect.timerId), sql`coalesce(${timers.firedAt}, ${timers.cancelledAt}) is null`))
        .returning({ id: timers.id });
      ctx.result.applied = fired.length > 0;
      return ctx.result.applied;
    }
    case 'timer.schedule':
      await cancelTimers(tx, requireConversation(ctx), effect.name);
      await tx.insert(timers).values({ conversationId: requireConversation(ctx), name: effect.name, fireAt: new Date(effect.at) });
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
          locale: effect.locale,
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
          // Sensitive and optional (Law 1581 Art. 6): cleared when this submission has no authorised answer.
          // A box ticked with its answer left blank keeps the answer stored (the form never shows it again); an unticked
          // box, or an answer revoked, clears it. Submissions from before the boxes carry no list and set what they say.
          ...sensitiveColumns(effect.profile),
          preferredShift: effect.profile.preferredShift,
          unavailableShifts: effect.profile.unavailableShifts,
          notes: effect.profile.notes ?? null,
          locale: effect.profile.locale,
          // Kept when a submission from before the form asked it says nothing.
          birthDate: effect.profile.birthDate,
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
    case 'dataRequest.open':
      await openDataRequest(tx, ctx, effect);
      return true;
  }
}

/**
 * Her data-subject request from WhatsApp (Law 1581 Arts. 14–15), as server/privacy/requests `openRequest` opens one:
 * the row with its terms and, only when the row is new, the `data_request.opened` audit entry (actor `whatsapp`,
 * the right and channel, never her words), both in this event's transaction. At most one per message (the partial
 * unique index data_subject_requests_source_key): a message handled again, replayed or retried after a crash, opens
 * and audits nothing twice. And at most one open per aspirant and right (data_subject_requests_open_right_key): her
 * "eliminar" written again while one is open opens and audits nothing (the bot answers with the open one's due date).
 */
async function openDataRequest(tx: Tx, ctx: Ctx, effect: Extract<Effect, { type: 'dataRequest.open' }>): Promise<void> {
  const [row] = await tx
    .insert(dataSubjectRequests)
    .values({
      aspirantId: sql`(select id from aspirants where whatsapp_id = ${ctx.key})`,
      conversationId: requireConversation(ctx),
      right: effect.right,
      category: effect.category,
      channel: 'whatsapp',
      status: 'received',
      receivedAt: new Date(effect.receivedAt),
      dueOn: effect.dueOn,
      tagDueOn: effect.tagDueOn ?? null,
      details: effect.text.trim().slice(0, REQUEST_TEXT_MAX) || null,
      sourceMessageSid: effect.sourceMessageSid,
    })
    .onConflictDoNothing()
    .returning({ id: dataSubjectRequests.id });
  if (!row) return;
  await tx.insert(auditLog).values({ actor: 'whatsapp', action: 'data_request.opened', targetType: 'data_request', targetId: String(row.id), details: { right: effect.right, channel: 'whatsapp' } });
}

/**
 * "Still pending" is written as one coalesce, not as timers_due_idx's two IS NULLs: the planner then cannot pick that
 * index (all pending timers, due-time order) for a lookup by conversation. On tables never analysed (autovacuum off)
 * it did, and every cancel walked every pending timer — quadratic in a burst of new conversations.
 */
async function cancelTimers(tx: Tx, conversationId: number, name: string): Promise<void> {
  await cancelTimersQuery(tx, conversationId, name);
}

export function cancelTimersQuery(run: Tx | Db, conversationId: number, name: string) {
  return run
    .update(timers)
    .set({ cancelledAt: new Date() })
    .where(and(eq(timers.conversationId, conversationId), sql`coalesce(${timers.firedAt}, ${timers.cancelledAt}) is null`, name === '*' ? sql`true` : eq(timers.name, name)));
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
  // The row generated from the one column map (message-columns), as the set lane writes it.
  const [row] = rowsOf<{ id: number | string }>(
    await tx.execute(sql`
      insert into messages (conversation_id, ${MESSAGE_INSERT_COLUMNS})
      select ${requireConversation(ctx)}, ${messageValues('m')}
      from jsonb_to_recordset(${JSON.stringify([messageInput(message)])}::jsonb) as m(${sql.raw(MESSAGE_RECORD_COLUMNS)})
      returning id`),
  );
  const id = Number(row!.id);
  ctx.result.messageIds[message.ref] = id;
  ctx.result.touchedMessageIds.push(id);
  if (message.media?.length) {
    const rows = await tx
      .insert(media)
      .values(message.media.map((m) => ({ messageId: id, contentType: m.contentType, sourceUrl: m.url })))
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
  if (effect.pricingCategory !== undefined) await tx.update(messages).set({ pricingCategory: effect.pricingCategory }).where(match);
  const terminal = isTerminal(effect.status);
  const moved = await tx
    .update(messages)
    .set({ status: effect.status, errorCode: effect.errorCode, errorMessage: effect.errorMessage, updatedAt: new Date() })
    .where(
      and(
        match,
        sql`${messages.status} not in ${TERMINAL_STATUSES_SQL}`,
        terminal ? sql`true` : sql`coalesce(array_position(${DELIVERY_ORDER_SQL}, ${messages.status}), 0) < array_position(${DELIVERY_ORDER_SQL}, ${effect.status}::delivery_status)`,
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
    templateRef: effect.templateRef,
    templateVariables: effect.templateVariables,
  });
  ctx.result.enqueued = true;
}

/** The conversation UPDATE generated from the one patch map (patch-columns), as every lane writes it. */
async function patchConversation(tx: Tx, id: number, patch: Extract<Effect, { type: 'conversation.patch' }>['patch']): Promise<void> {
  await tx.execute(sql`
    update conversations c set ${PATCH_SET_SQL}
    from jsonb_to_recordset(${JSON.stringify([patchInput(patch)])}::jsonb) as t(${sql.raw(PATCH_RECORD_COLUMNS)})
    where c.id = ${id}`);
}

async function recordMedia(tx: Tx, ctx: Ctx, effect: Extract<Effect, { type: 'media.record' }>): Promise<void> {
  const values = effect.stored ? { state: 'stored', error: null, ...effect.stored } : { state: 'unavailable', error: effect.failed ?? 'unknown error', attempts: sql`${media.attempts} + 1` };
  const rows = await tx.update(media).set(values).where(eq(media.id, effect.mediaId)).returning({ messageId: media.messageId });
  ctx.result.touchedMessageIds.push(...rows.map((r) => r.messageId));
}

/** The aspirant row's sensitive columns a submission sets: `undefined` leaves a column as it is (drizzle skips it). */
function sensitiveColumns(profile: FormProfile): { hasKids?: boolean | null; measurements?: FormProfile['measurements'] | null } {
  const consents = profile.sensitiveConsents;
  if (!consents) return { hasKids: profile.hasKids ?? null, measurements: profile.measurements ?? null };
  return {
    hasKids: consents.includes('children') ? profile.hasKids : null,
    measurements: consents.includes('measurements') ? profile.measurements : null,
  };
}
