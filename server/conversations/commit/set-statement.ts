/**
 * @module server/conversations/commit/set-statement — the `set` lane: the effects of many conversations' events
 * (an aspirant's message, a first message with the bot's welcome, its outbox row and timers, a bot step on a timer)
 * committed by ONE data-modifying statement: one round trip, atomic on its own (autocommit).
 *
 * The inputs travel as JSON parameters, so the text never changes (prepared once per connection) and both drivers
 * read them alike. Rows are found with `= any (array(…))`: an index lookup however large (or, without autovacuum,
 * bloated) a table has grown — joined straight to the input, the planner may hash-join over a scan of the whole
 * table. All parts see the snapshot taken before the statement, so nothing reads a row another part writes: the
 * plan (set-plan) already folded the effects in order. The list row it answers with (for the push) is taken from
 * what the parts wrote (their RETURNING) and, for the rows none of them wrote, from that snapshot.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import type { Db, Tx } from '../../db/client';
import type { RowRecord } from '../../db/queries/inbox';
import { rowsOf } from '../../db/rows';
import { PATCH_INSERT_COLUMNS, PATCH_INSERT_VALUES, PATCH_RECORD_COLUMNS, PATCH_SET_SQL, patchInput } from './patch-columns';
import type { SetPlan } from './set-plan';

const iso = (ms: number) => new Date(ms).toISOString();

/** The conversation and aspirant columns of an inbox list row (server/db/queries/inbox `RowRecord`), of table alias `t`. */
const columnsOf = (names: string[]) => (t: string) => sql.raw(names.map((name) => `${t}.${name}`).join(', '));
const rowConversation = columnsOf(['id', 'aspirant_id', 'status', 'last_message_preview', 'last_message_at', 'unread_count', 'assignee_id']);
const rowAspirant = columnsOf(['id', 'whatsapp_id', 'first_name', 'last_name', 'whatsapp_name', 'opted_out_at']);

/** The statement for these plans (at most one per conversation); exported for the query-plan test. */
export function setStatement(plans: SetPlan[]): SQL {
  const items = plans.map((p, ord) => ({
    ord,
    key: p.key,
    conversation_id: p.conversationId,
    aspirant_id: p.aspirantId,
    event_id: p.eventId,
    timer_id: p.timerId,
    a_set_name: p.aspirant?.whatsappName !== undefined,
    a_name: p.aspirant?.whatsappName ?? null,
    a_set_opted: p.aspirant?.optedOutAt !== undefined,
    a_opted_out_at: p.aspirant?.optedOutAt == null ? null : iso(p.aspirant.optedOutAt),
    has_patch: p.patch !== null,
    ...patchInput(p.patch ?? {}),
    ev_type: p.journal.type,
    ev_payload: p.journal.payload,
    ev_at: iso(p.journal.at),
  }));
  const messages = plans.flatMap((p, ord) =>
    p.messages.map((m, seq) => ({
      ord,
      seq,
      sender: m.sender,
      body: m.body,
      status: m.status,
      provider_sid: m.providerSid ?? null,
      author_id: m.authorId ?? null,
      template_sid: m.templateSid ?? null,
      extra: m.extra ?? null,
    })),
  );
  const outbox = plans.flatMap((p, ord) =>
    p.outbox.map((o, n) => ({
      ord,
      n,
      seq: p.messages.findIndex((m) => m.ref === o.messageRef),
      idempotency_key: o.idempotencyKey,
      body: o.body ?? null,
      content_sid: o.contentSid ?? null,
      content_variables: o.contentVariables ?? null,
    })),
  );
  const cancels = plans.flatMap((p, ord) => p.cancel.map((name) => ({ ord, name })));
  const schedules = plans.flatMap((p, ord) => p.schedule.map((s, n) => ({ ord, n, name: s.name, fire_at: iso(s.at), cancelled: s.cancelled })));
  return sql`
    with items as (
      select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as t(ord int, key text, conversation_id int, aspirant_id int,
        event_id bigint, timer_id bigint, a_set_name boolean, a_name text, a_set_opted boolean, a_opted_out_at timestamptz,
        has_patch boolean, ${sql.raw(PATCH_RECORD_COLUMNS)}, ev_type text, ev_payload jsonb, ev_at timestamptz)
    ), fresh as (
      -- A first message whose conversation exists after all (the actor's state was stale) is left to the general path.
      select i.* from items i
      where i.conversation_id is not null or i.aspirant_id <> all (array(
        select x.aspirant_id from conversations x where x.aspirant_id = any (array(select aspirant_id from items where conversation_id is null))))
    ), done as (
      update inbound_events e set processed_at = now(), attempts = e.attempts + 1, last_error = null
      where e.id = any (array(select event_id from fresh where event_id is not null)) and e.processed_at is null
      returning e.id
    ), fired as (
      update timers f set fired_at = now()
      where f.id = any (array(select timer_id from fresh where timer_id is not null)) and coalesce(f.fired_at, f.cancelled_at) is null
      returning f.id
    ), go as (
      select f.* from fresh f
      where (f.event_id is null or f.event_id = any (array(select id from done)))
        and (f.timer_id is null or f.timer_id = any (array(select id from fired)))
    ), created as (
      insert into conversations (aspirant_id, ${PATCH_INSERT_COLUMNS})
      select t.aspirant_id, ${PATCH_INSERT_VALUES} from go t where t.conversation_id is null order by t.ord
      returning ${rowConversation('conversations')}
    ), patched as (
      update conversations c set ${PATCH_SET_SQL} from go t
      where c.id = any (array(select conversation_id from go where conversation_id is not null and has_patch)) and c.id = t.conversation_id
        and t.has_patch
      returning ${rowConversation('c')}
    ), conv as (
      select t.ord, t.key, coalesce(t.conversation_id, n.id) as id from go t left join created n on n.aspirant_id = t.aspirant_id
    ), renamed as (
      update aspirants a set updated_at = now(),
        whatsapp_name = case when t.a_set_name then t.a_name else a.whatsapp_name end,
        opted_out_at = case when t.a_set_opted then t.a_opted_out_at else a.opted_out_at end
      from go t where a.id = any (array(select aspirant_id from go where a_set_name or a_set_opted)) and a.id = t.aspirant_id
        and (t.a_set_name or t.a_set_opted)
      returning ${rowAspirant('a')}
    ), msg as (
      insert into messages (conversation_id, sender, body, status, provider_sid, author_id, template_sid, extra)
      select c.id, m.sender, m.body, m.status, m.provider_sid, m.author_id, m.template_sid, m.extra
      from jsonb_to_recordset(${JSON.stringify(messages)}::jsonb) as m(ord int, seq int, sender message_sender, body text,
        status delivery_status, provider_sid text, author_id int, template_sid text, extra jsonb)
      join conv c on c.ord = m.ord
      order by m.ord, m.seq
      returning id, conversation_id
    ), numbered as (
      select id, conversation_id, (row_number() over (partition by conversation_id order by id))::int - 1 as seq from msg
    ), msg_ids as materialized (
      -- Each conversation's new message ids in order, aggregated once (a subquery per row is quadratic in the batch).
      select conversation_id, array_agg(id order by seq) as ids from numbered group by conversation_id
    ), queued as (
      insert into outbox (message_id, conversation_id, idempotency_key, to_number, body, content_sid, content_variables)
      select n.id, c.id, o.idempotency_key, c.key, o.body, o.content_sid, o.content_variables
      from jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb) as o(ord int, n int, seq int, idempotency_key text, body text,
        content_sid text, content_variables jsonb)
      join conv c on c.ord = o.ord join numbered n on n.conversation_id = c.id and n.seq = o.seq
      order by o.ord, o.n
      returning id
    ), cancels as (
      select c.id as conversation_id, k.name from jsonb_to_recordset(${JSON.stringify(cancels)}::jsonb) as k(ord int, name text)
      join conv c on c.ord = k.ord
    ), cancelled as (
      -- "Still pending" as one coalesce, as server/conversations/commit/general cancelTimers (not timers_due_idx).
      update timers x set cancelled_at = now() from cancels k
      where x.conversation_id = any (array(select conversation_id from cancels)) and x.conversation_id = k.conversation_id
        and coalesce(x.fired_at, x.cancelled_at) is null and (k.name = '*' or x.name = k.name)
        and x.id <> all (array(select id from fired))
      returning x.id
    ), scheduled as (
      insert into timers (conversation_id, name, fire_at, cancelled_at)
      select c.id, s.name, s.fire_at, case when s.cancelled then now() end
      from jsonb_to_recordset(${JSON.stringify(schedules)}::jsonb) as s(ord int, n int, name text, fire_at timestamptz, cancelled boolean)
      join conv c on c.ord = s.ord
      order by s.ord, s.n
      returning id
    ), journaled as (
      insert into conversation_events (conversation_id, type, payload, message_ids, at)
      select c.id, t.ev_type, t.ev_payload, coalesce(m.ids, '{}'), t.ev_at
      from go t join conv c on c.ord = t.ord left join msg_ids m on m.conversation_id = c.id
      returning id
    ), shown as materialized (
      -- The list row as this statement leaves it: what it wrote (RETURNING), else the snapshot it did not change.
      select * from created
      union all select * from patched
      union all select ${rowConversation('o')} from conversations o
        where o.id = any (array(select id from conv)) and o.id <> all (array(select id from patched))
    ), people as materialized (
      select * from renamed
      union all select ${rowAspirant('o')} from aspirants o
        where o.id = any (array(select aspirant_id from shown)) and o.id <> all (array(select id from renamed))
    )
    select i.ord, c.id as conversation_id, f.ord is not null as fresh, coalesce(m.ids, '{}') as message_ids,
           s.id as row_id, p.whatsapp_id as row_number, p.first_name as row_first_name, p.last_name as row_last_name,
           p.whatsapp_name as row_whatsapp_name, p.opted_out_at as row_opted_out_at, s.last_message_preview as row_preview,
           s.last_message_at as row_last_message_at, s.unread_count as row_unread, s.status as row_status,
           s.assignee_id as row_assignee_id, u.name as row_assignee_name
    from items i left join fresh f on f.ord = i.ord left join conv c on c.ord = i.ord left join msg_ids m on m.conversation_id = c.id
      left join shown s on s.id = c.id
      left join people p on p.id = s.aspirant_id
      left join users u on u.id = s.assignee_id`;
}

/** One plan's row: its outcome, and its conversation's list row as the statement left it (`row_*`, null when not applied). */
interface SetRow {
  ord: number;
  conversation_id: number | null;
  fresh: boolean;
  message_ids: (number | string)[] | string | null;
  row_id: number | null;
  row_number: string | null;
  row_first_name: string | null;
  row_last_name: string | null;
  row_whatsapp_name: string | null;
  row_opted_out_at: Date | string | null;
  row_preview: string | null;
  row_last_message_at: Date | string | null;
  row_unread: number | null;
  row_status: RowRecord['status'];
  row_assignee_id: number | null;
  row_assignee_name: string | null;
}

/** What one plan's row says: `stale` — a first message whose conversation exists after all (nothing was written). */
export type SetOutcome = CommitResult<RowRecord> | 'stale';

const date = (value: Date | string | null) => (value === null ? null : new Date(value));

/** The list row the statement read back, so the push needs no query of its own. */
function listRow(row: SetRow): RowRecord | undefined {
  if (row.row_id === null) return undefined;
  return {
    id: Number(row.row_id),
    number: row.row_number,
    firstName: row.row_first_name,
    lastName: row.row_last_name,
    whatsappName: row.row_whatsapp_name,
    optedOutAt: date(row.row_opted_out_at),
    preview: row.row_preview,
    lastMessageAt: date(row.row_last_message_at),
    unread: row.row_unread === null ? null : Number(row.row_unread),
    status: row.row_status,
    assigneeId: row.row_assignee_id === null ? null : Number(row.row_assignee_id),
    assigneeName: row.row_assignee_name,
  };
}

/** Commits the plans (one per conversation) in one statement; one outcome per plan, in order. */
export async function commitSet(run: Db | Tx, plans: SetPlan[]): Promise<SetOutcome[]> {
  const rows = rowsOf<SetRow>(await run.execute(setStatement(plans)));
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return plans.map((plan, ord) => {
    const row = byOrd.get(ord)!;
    if (!row.fresh) return 'stale';
    const applied = row.conversation_id !== null;
    const ids = applied ? idArray(row.message_ids) : [];
    const messageIds = Object.fromEntries(plan.messages.map((m, i) => [m.ref, ids[i]!]));
    return {
      applied,
      conversationId: applied ? Number(row.conversation_id) : plan.conversationId,
      messageIds: applied ? messageIds : {},
      mediaIds: [],
      touchedMessageIds: ids,
      enqueued: applied && plan.outbox.length > 0,
      recordedSids: [],
      readBack: applied ? listRow(row) : undefined,
    };
  });
}

/** A bigint[] column: an array (postgres.js) or its text form `{1,2}` (PGlite may give either). */
function idArray(value: (number | string)[] | string | null): number[] {
  if (value === null) return [];
  const list = typeof value === 'string' ? value.replace(/[{}]/g, '').split(',').filter(Boolean) : value;
  return list.map(Number);
}
