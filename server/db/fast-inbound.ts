/** @module server/db/fast-inbound — the commonest event (a message to an existing conversation) committed as ONE statement. */
import { sql } from 'drizzle-orm';
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent, Effect } from '../../actors/conversation/types';
import type { ConversationRowView } from '../../views/inbox/types';
import type { Db } from './client';
import { rowsOf } from './rows';
import { mergePatches } from './conversation-effects';
import { toRowView } from './queries/inbox';
import type { Tx } from './group-commit';

type Runner = Db | Tx;

/**
 * The effects of a plain inbound message — mark the event processed, add the message, patch the
 * conversation, journal the event — as a single data-modifying CTE: one round trip instead of six,
 * atomic on its own (autocommit), and still a no-op when the event was already processed.
 * Returns null when the effects are not of that shape (the general path handles them).
 */
export function fastInboundPlan(conversationId: number | null, effects: Effect[]) {
  if (conversationId === null) return null;
  const processed = effects.filter((e) => e.type === 'inbound.processed');
  const added = effects.filter((e) => e.type === 'message.add');
  const patches = effects.filter((e) => e.type === 'conversation.patch');
  const others = effects.filter((e) => !['inbound.processed', 'message.add', 'conversation.patch', 'reply'].includes(e.type));
  if (others.length || processed.length !== 1 || added.length !== 1) return null;
  const message = (added[0] as Extract<Effect, { type: 'message.add' }>).message;
  if (message.media?.length) return null;
  const patch = mergePatches(patches.map((e) => (e as Extract<Effect, { type: 'conversation.patch' }>).patch));
  return { conversationId, eventId: (processed[0] as Extract<Effect, { type: 'inbound.processed' }>).eventId, message, patch };
}

type Plan = NonNullable<ReturnType<typeof fastInboundPlan>>;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function commitFastInbound(run: Runner, plan: Plan, event: ConversationEvent, now: number): Promise<CommitResult> {
  const { message } = plan;
  const { reply: _reply, ...payload } = event as ConversationEvent & { reply?: unknown };
  const extra = message.extra === undefined ? null : JSON.stringify(message.extra);
  const { patch } = plan;
  // One fixed text whatever the patch holds (a field the patch leaves out keeps its value), so Postgres
  // prepares it once per connection and drizzle assembles a flat template instead of a nested SET list.
  const result = await run.execute(sql`
    with done as (
      update inbound_events set processed_at = now(), attempts = attempts + 1, last_error = null
      where id = ${plan.eventId} and processed_at is null returning id
    ), msg as (
      insert into messages (conversation_id, sender, body, status, provider_sid, author_id, extra)
      select ${plan.conversationId}, ${message.sender}::message_sender, ${message.body}, ${message.status}::delivery_status,
             ${message.providerSid ?? null}, ${message.authorId ?? null}, ${extra}::jsonb
      from done returning id
    ), conv as (
      update conversations set updated_at = now(),
        status = coalesce(${patch.status ?? null}::conversation_status, status),
        last_inbound_at = coalesce(${patch.lastInboundAt === undefined ? null : iso(patch.lastInboundAt)}::timestamptz, last_inbound_at),
        last_message_at = coalesce(${patch.lastMessageAt === undefined ? null : iso(patch.lastMessageAt)}::timestamptz, last_message_at),
        last_message_preview = coalesce(${patch.lastMessagePreview ?? null}::text, last_message_preview),
        unread_count = unread_count + ${patch.unreadIncrement ?? 0}::int,
        bot_paused = coalesce(${patch.botPaused ?? null}::boolean, bot_paused),
        bot_state = coalesce(${patch.botState === undefined ? null : JSON.stringify(patch.botState)}::jsonb, bot_state),
        bot_script = coalesce(${patch.botScript ?? null}::text, bot_script),
        assignee_id = case when ${patch.assigneeId !== undefined}::boolean then ${patch.assigneeId ?? null}::int else assignee_id end
      where id = ${plan.conversationId} and exists (select 1 from done)
      returning id, aspirant_id, status, last_message_at, last_message_preview, unread_count, assignee_id
    ), journaled as (
      insert into conversation_events (conversation_id, type, payload, message_ids, at)
      select ${plan.conversationId}, ${event.type}, ${JSON.stringify(payload)}::jsonb, array(select id from msg), ${iso(now)}::timestamptz from done
    )
    -- The list row as it now stands, so the push needs no second query.
    select (select id from msg) as message_id, c.status, c.last_message_at, c.last_message_preview, c.unread_count, c.assignee_id,
           a.whatsapp_id, a.first_name, a.last_name, a.whatsapp_name, a.opted_out_at, u.name as assignee_name
    from conv c join aspirants a on a.id = c.aspirant_id left join users u on u.id = c.assignee_id`);
  const rows = rowsOf<RowData>(result);
  const first = rows[0];
  const id = first?.message_id;
  const base: CommitResult = { applied: id !== null && id !== undefined, conversationId: plan.conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] };
  if (!base.applied || !first) return base;
  return { ...base, messageIds: { [message.ref]: Number(id) }, touchedMessageIds: [Number(id)], row: rowView(plan.conversationId, first) };
}

interface RowData {
  message_id: number | string | null;
  status: ConversationRowView['status'];
  last_message_at: string | Date;
  last_message_preview: string | null;
  unread_count: number;
  assignee_id: number | null;
  whatsapp_id: string;
  first_name: string | null;
  last_name: string | null;
  whatsapp_name: string | null;
  opted_out_at: string | Date | null;
  assignee_name: string | null;
}

function rowView(id: number, r: RowData): ConversationRowView {
  return toRowView({
    id,
    number: r.whatsapp_id,
    firstName: r.first_name,
    lastName: r.last_name,
    whatsappName: r.whatsapp_name,
    optedOutAt: r.opted_out_at === null ? null : new Date(r.opted_out_at),
    preview: r.last_message_preview,
    // Raw SQL gives timestamps as Date (postgres.js) or as text (PGlite): both become a Date.
    lastMessageAt: new Date(r.last_message_at),
    unread: Number(r.unread_count),
    status: r.status,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
  });
}
