/**
 * @module server/db/fast-status — a delivery update (the outbox's "sent", Twilio's status callbacks: several per
 * outbound message) committed as ONE statement instead of a three-to-five-statement transaction.
 */
import { sql } from 'drizzle-orm';
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent, Effect } from '../../actors/conversation/types';
import { isTerminal } from '../../actors/vocabulary';
import type { Db } from './client';
import { rowsOf } from './rows';
import type { Tx } from './group-commit';
import { DELIVERY_ORDER_SQL, TERMINAL_STATUSES_SQL } from './vocabulary-sql';

type Runner = Db | Tx;
type StatusEffect = Extract<Effect, { type: 'message.status' }>;

/**
 * The plan when the effects are one status move (and, for a callback, its event marked processed); null for
 * anything else — a failed send also patches the conversation, and takes the general path.
 */
export function fastStatusPlan(conversationId: number | null, effects: Effect[]) {
  if (conversationId === null) return null;
  const statuses = effects.filter((e): e is StatusEffect => e.type === 'message.status');
  const processed = effects.filter((e): e is Extract<Effect, { type: 'inbound.processed' }> => e.type === 'inbound.processed');
  const others = effects.filter((e) => e.type !== 'message.status' && e.type !== 'inbound.processed' && e.type !== 'reply');
  if (others.length || statuses.length !== 1 || processed.length > 1) return null;
  return { conversationId, eventId: processed[0]?.eventId ?? null, effect: statuses[0]! };
}

type Plan = NonNullable<ReturnType<typeof fastStatusPlan>>;

/** `null`: the message is not there (yet) — nothing was written; the general path decides (a callback is parked). */
export async function commitFastStatus(run: Runner, plan: Plan, event: ConversationEvent, now: number): Promise<CommitResult | null> {
  const { effect } = plan;
  const byId = 'messageId' in effect.match ? effect.match.messageId : null;
  const bySid = 'providerSid' in effect.match ? effect.match.providerSid : null;
  const terminal = isTerminal(effect.status);
  const { reply: _reply, ...payload } = event as ConversationEvent & { reply?: unknown };
  // Statuses only move forward and failed/undelivered are final (as server/db/conversation-effects updateStatus).
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
      select ${plan.conversationId}, ${event.type}, ${JSON.stringify(payload)}::jsonb, '{}', ${new Date(now).toISOString()}::timestamptz from go where ok
    )
    select exists (select 1 from target) as found, (select ok from go) as applied, (select id from moved where advances) as moved_id`);
  const rows = rowsOf<{ found: boolean; applied: boolean; moved_id: number | string | null }>(result);
  const row = rows[0]!;
  if (!row.found) return null;
  const base: CommitResult = { applied: row.applied, conversationId: plan.conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
  if (!row.applied) return base;
  return {
    ...base,
    touchedMessageIds: row.moved_id === null ? [] : [Number(row.moved_id)],
    recordedSids: effect.providerSid ? [effect.providerSid] : [],
  };
}
