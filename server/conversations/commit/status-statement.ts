/**
 * @module server/conversations/commit/status-statement — the `status` lane: a delivery update (the outbox's "sent",
 * Twilio's status callbacks: several per outbound message) committed as ONE statement instead of a
 * three-to-five-statement transaction.
 */
import { sql } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import type { ConversationEvent, Effect } from '../../../actors/conversation/types';
import { isTerminal } from '../../../actors/vocabulary';
import type { Db, Tx } from '../../db/client';
import { rowsOf } from '../../db/rows';
import { DELIVERY_ORDER_SQL, TERMINAL_STATUSES_SQL } from '../../db/vocabulary-sql';

type Runner = Db | Tx;
type StatusEffect = Extract<Effect, { type: 'message.status' }>;

export interface StatusPlan {
  conversationId: number;
  /** The callback's webhook row, marked processed by the same statement (none for the outbox's "sent"). */
  eventId: number | null;
  effect: StatusEffect;
}

/** The plan for effects the `status` lane takes (lanes.ts decided: one status move, at most one marker). */
export function statusPlan(conversationId: number, effects: Effect[]): StatusPlan {
  const effect = effects.find((e): e is StatusEffect => e.type === 'message.status')!;
  const processed = effects.find((e): e is Extract<Effect, { type: 'inbound.processed' }> => e.type === 'inbound.processed');
  return { conversationId, eventId: processed?.eventId ?? null, effect };
}

type Plan = StatusPlan;

/** `null`: the message is not there (yet) — nothing was written; the general path decides (a callback is parked). */
export async function commitStatus(run: Runner, plan: Plan, event: ConversationEvent, now: number): Promise<CommitResult | null> {
  const { effect } = plan;
  const byId = 'messageId' in effect.match ? effect.match.messageId : null;
  const bySid = 'providerSid' in effect.match ? effect.match.providerSid : null;
  const terminal = isTerminal(effect.status);
  // Statuses only move forward and failed/undelivered are final (as general-effects updateStatus).
  const result = await run.execute(sql`
    with target as (
      select id, status,
             status not in ${TERMINAL_STATUSES_SQL} and (${terminal}::boolean or coalesce(array_position(${DELIVERY_ORDER_SQL}, status), 0)
               < array_position(${DELIVERY_ORDER_SQL}, ${effect.status}::delivery_status)) as advances
      from messages where (id = ${byId}::bigint or provider_sid = ${bySid}::text) limit 1
    ), done as (
      update inbound_events set processed_at = now(), attempts = attempts + 1, last_error = null
      where id = ${plan.eventId}::bigint and processed_at is null and exists (select 1 from target) returning id
    ), go as (
      select exists (select 1 from target) and (${plan.eventId}::bigint is null or exists (select 1 from done)) as ok
    ), moved as (
      update messages m set
        provider_sid = coalesce(${effect.providerSid ?? null}::text, m.provider_sid),
        status = case when t.advances then ${effect.status}::delivery_status else m.status end,
        error_code = case when t.advances and ${effect.errorCode ?? null}::int is not null then ${effect.errorCode ?? null}::int else m.error_code end,
        error_message = case when t.advances and ${effect.errorMessage ?? null}::text is not null then ${effect.errorMessage ?? null}::text else m.error_message end,
        updated_at = now()
      from target t where m.id = t.id and (select ok from go)
      returning m.id, t.advances
    ), journaled as (
      insert into conversation_events (conversation_id, type, payload, message_ids, at)
      select ${plan.conversationId}, ${event.type}, ${JSON.stringify(event)}::jsonb, '{}', ${new Date(now).toISOString()}::timestamptz from go where ok
    )
    select exists (select 1 from target) as found, (select ok from go) as applied, (select id from moved where advances) as moved_id,
           -- Served by inbound_events_parked_status_idx (the same expression and predicate as parkedStatusQuery).
           exists (select 1 from inbound_events p where p.processed_at is null and p.kind = 'status'
                   and (p.payload -> 'event' ->> 'messageSid') = ${effect.providerSid ?? null}::text) as parked`);
  const rows = rowsOf<{ found: boolean; applied: boolean; moved_id: number | string | null; parked: boolean }>(result);
  const row = rows[0]!;
  if (!row.found) return null;
  const base: CommitResult = { applied: row.applied, conversationId: plan.conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
  if (!row.applied) return base;
  return {
    ...base,
    touchedMessageIds: row.moved_id === null ? [] : [Number(row.moved_id)],
    // Only a sid with callbacks parked for it: the usual send has none, and no look-up follows.
    recordedSids: effect.providerSid && row.parked ? [effect.providerSid] : [],
  };
}
