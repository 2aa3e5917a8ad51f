/**
 * @module server/conversations/commit/status-statement — the `status` lane: delivery updates (the outbox's "sent",
 * Twilio's status callbacks: several per outbound message) of many conversations committed by ONE statement, the
 * batch passed as one JSON parameter so the text never changes.
 */
import { sql, type SQL } from 'drizzle-orm';
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

/** One delivery update for `commitStatuses`: the plan, the event it journals and when. */
export interface StatusItem {
  /** The conversation's actor key (its shard is fenced when several processes share the database). */
  key: string;
  plan: StatusPlan;
  event: ConversationEvent;
  now: number;
}

/** The statement for these items (exported for the query-plan test): the batch is one JSON parameter, so its text never changes. */
export function statusStatement(items: StatusItem[]): SQL {
  const input = items.map(({ plan, event, now }, ord) => {
    const { effect } = plan;
    return {
      ord,
      conversation_id: plan.conversationId,
      event_id: plan.eventId,
      by_id: 'messageId' in effect.match ? effect.match.messageId : null,
      by_sid: 'providerSid' in effect.match ? effect.match.providerSid : null,
      new_sid: effect.providerSid ?? null,
      status: effect.status,
      terminal: isTerminal(effect.status),
      error_code: effect.errorCode ?? null,
      error_message: effect.errorMessage ?? null,
      pricing_category: effect.pricingCategory ?? null,
      ev_type: event.type,
      ev_payload: event,
      ev_at: new Date(now).toISOString(),
    };
  });
  return sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(ord int, conversation_id int, event_id bigint, by_id bigint,
        by_sid text, new_sid text, status delivery_status, terminal boolean, error_code int, error_message text, pricing_category text, ev_type text,
        ev_payload jsonb, ev_at timestamptz)
    ), matched as (
      -- Each message by its id or by its provider sid (an item has one or the other): two lookups of one column each,
      -- so each is an index lookup per item in a plan cached while messages was small and kept while it grows (one
      -- lookup of "id = … or provider_sid = …" was then a scan of messages per item: 28 ms a batch in the bench).
      select x.ord, m.id, m.status from input x cross join lateral (
        select id, status from messages where id = x.by_id
        union all
        select id, status from messages where provider_sid = x.by_sid and x.by_id is null
        limit 1) m
    ), target as (
      select f.ord, f.id,
             f.status not in ${TERMINAL_STATUSES_SQL} and (x.terminal or coalesce(array_position(${DELIVERY_ORDER_SQL}, f.status), 0)
               < array_position(${DELIVERY_ORDER_SQL}, x.status)) as advances
      from matched f join input x on x.ord = f.ord
    ), done as (
      update inbound_events e set processed_at = now(), attempts = e.attempts + 1, last_error = null
      where e.id = any (array(select x.event_id from input x join target t on t.ord = x.ord where x.event_id is not null))
        and e.processed_at is null
      returning e.id
    ), go as (
      select x.* from input x
      where x.ord = any (array(select ord from target)) and (x.event_id is null or x.event_id = any (array(select id from done)))
        -- A webhook row applies once even if a batch carried it twice (the door never does: one event, one actor).
        and (x.event_id is null or x.ord = (select min(y.ord) from input y where y.event_id = x.event_id))
    ), moved as (
      update messages m set
        provider_sid = coalesce(g.new_sid, m.provider_sid),
        status = case when t.advances then g.status else m.status end,
        error_code = case when t.advances and g.error_code is not null then g.error_code else m.error_code end,
        error_message = case when t.advances and g.error_message is not null then g.error_message else m.error_message end,
        pricing_category = coalesce(g.pricing_category, m.pricing_category),
        updated_at = now()
      from target t join go g on g.ord = t.ord
      where m.id = any (array(select id from target)) and m.id = t.id
      returning m.id, t.ord, t.advances
    ), journaled as (
      insert into conversation_events (conversation_id, type, payload, message_ids, at)
      select g.conversation_id, g.ev_type, g.ev_payload, '{}', g.ev_at from go g order by g.ord
    )
    select x.ord,
           exists (select 1 from target t where t.ord = x.ord) as found,
           exists (select 1 from go g where g.ord = x.ord) as applied,
           (select v.id from moved v where v.ord = x.ord and v.advances) as moved_id,
           -- Served by inbound_events_parked_status_idx (the same expression and predicate as parkedStatusQuery).
           x.new_sid is not null and exists (select 1 from inbound_events p where p.processed_at is null and p.kind = 'status'
             and (p.payload -> 'event' ->> 'messageSid') = x.new_sid) as parked
    from input x`;
}

/**
 * Commits many delivery updates (at most one per conversation: an actor commits one event at a time) in ONE
 * statement; one outcome per item, in order. `null`: the message is not there (yet) — nothing was written for that
 * item; the general path decides (a callback is parked). Statuses only move forward and failed/undelivered are
 * final (as general-effects updateStatus); an item whose webhook row was already processed applies nothing.
 */
export async function commitStatuses(run: Runner, items: StatusItem[]): Promise<(CommitResult | null)[]> {
  const result = await run.execute(statusStatement(items));
  const rows = rowsOf<{ ord: number; found: boolean; applied: boolean; moved_id: number | string | null; parked: boolean }>(result);
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return items.map(({ plan }, ord) => {
    const row = byOrd.get(ord)!;
    if (!row.found) return null;
    const base: CommitResult = { applied: row.applied, conversationId: plan.conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
    if (!row.applied) return base;
    const sid = plan.effect.providerSid;
    return {
      ...base,
      touchedMessageIds: row.moved_id === null ? [] : [Number(row.moved_id)],
      // Only a sid with callbacks parked for it: the usual send has none, and no look-up follows.
      recordedSids: sid && row.parked ? [sid] : [],
    };
  });
}

/** One delivery update alone (`commitStatuses` of one item, unfenced: for tests and direct callers, never the door). */
export async function commitStatus(run: Runner, plan: StatusPlan, event: ConversationEvent, now: number): Promise<CommitResult | null> {
  return (await commitStatuses(run, [{ key: '', plan, event, now }]))[0]!;
}
