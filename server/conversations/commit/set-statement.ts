/**
 * @module server/conversations/commit/set-statement — the `set` lane: the effects of many conversations' events
 * (an aspirant's message, a first message with the bot's welcome, its outbox row and timers, a bot step on a timer)
 * committed by ONE data-modifying statement: one round trip, atomic on its own (autocommit).
 *
 * The inputs travel as JSON parameters, so both drivers read them alike and the text depends only on which parts
 * the batch needs (set-inputs `partsOf`): a plain follow-up's batch leaves out the create, timer, outbox and rename
 * parts — fewer to plan and run: ten follow-ups planned in 0.9–1.0 ms and ran in 1.4–1.6 ms where the statement with
 * every part took 1.4–1.5 ms and 2.1–4.3 ms (EXPLAIN ANALYZE, idle Postgres 15, 2026-11-30) — and each of the few
 * shapes is prepared once per connection (planned afresh for its first five runs there, and after an ANALYZE).
 * Rows are found with `= any (array(…))`: an index lookup however large (or, without autovacuum, bloated) a table
 * has grown — joined straight to the input, the planner may hash-join over a scan of the whole table. All parts see the snapshot taken before the statement, so nothing reads a row another part writes: the
 * plan (set-plan) already folded the effects in order. The list row it answers with (for the push) is taken from
 * what the parts wrote (their RETURNING) and, for the rows none of them wrote, from that snapshot.
 */
import { fenceCte, type FenceParams } from '../../cluster/fence';
import { sql, type SQL } from 'drizzle-orm';
import type { CommitResult } from '../../../actors/conversation/ports';
import type { Db, Tx } from '../../db/client';
import type { RowRecord } from '../../db/queries/inbox';
import { rowsOf } from '../../db/rows';
import { MESSAGE_INSERT_COLUMNS, MESSAGE_RECORD_COLUMNS, messageValues } from './message-columns';
import { PATCH_INSERT_COLUMNS, PATCH_INSERT_VALUES, PATCH_RECORD_COLUMNS, PATCH_SET_SQL } from './patch-columns';
import { inputsOf, partsOf } from './set-inputs';
import type { SetPlan } from './set-plan';

/** The conversation and aspirant columns of an inbox list row (server/db/queries/inbox `RowRecord`), of table alias `t`. */
const columnsOf = (names: string[]) => (t: string) => sql.raw(names.map((name) => `${t}.${name}`).join(', '));
const rowConversation = columnsOf(['id', 'aspirant_id', 'status', 'last_message_preview', 'last_message_at', 'last_inbound_at', 'unread_count', 'assignee_id', 'waiting_since']);
const rowAspirant = columnsOf(['id', 'whatsapp_id', 'phone', 'username', 'first_name', 'last_name', 'whatsapp_name', 'opted_out_at']);

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

/**
 * The statement for these plans (at most one per conversation), with only the parts they need; exported for the
 * query-plan test. Its text depends on those parts alone (a handful of shapes, each prepared once per connection).
 */
export function setStatement(plans: SetPlan[], fence?: FenceParams): SQL {
  const has = partsOf(plans);
  const input = inputsOf(plans);
  const ctes: SQL[] = [
    // Several processes: every row below comes from `items`, which waits for the fence (or the statement fails).
    ...(fence ? [fenceCte(fence)] : []),
    sql`items as (
      select t.* from ${fence ? sql`fence, ` : sql``}jsonb_to_recordset(${json(input.items)}) as t(ord int, key text, conversation_id int, aspirant_id int,
        event_id bigint, timer_id bigint, a_set_name boolean, a_name text, a_set_opted boolean, a_opted_out_at timestamptz, a_locale text,
        has_patch boolean, ${sql.raw(PATCH_RECORD_COLUMNS)}, ev_type text, ev_payload jsonb, ev_at timestamptz)
    )`,
  ];
  // A first message whose conversation exists after all (the actor's state was stale) is left to the general path.
  if (has.creates) {
    ctes.push(sql`fresh as (
      select i.* from items i
      where i.conversation_id is not null or i.aspirant_id <> all (array(
        select x.aspirant_id from conversations x where x.aspirant_id = any (array(select aspirant_id from items where conversation_id is null))))
    )`);
  }
  const fresh = sql.raw(has.creates ? 'fresh' : 'items');
  // The exactly-once markers: an event already processed, a timer already fired or cancelled, writes nothing.
  if (has.events) {
    ctes.push(sql`done as (
      update inbound_events e set processed_at = now(), attempts = e.attempts + 1, last_error = null
      where e.id = any (array(select event_id from ${fresh} where event_id is not null)) and e.processed_at is null
      returning e.id
    )`);
  }
  if (has.timers) {
    ctes.push(sql`fired as (
      update timers f set fired_at = now()
      where f.id = any (array(select timer_id from ${fresh} where timer_id is not null)) and coalesce(f.fired_at, f.cancelled_at) is null
      returning f.id
    )`);
  }
  const markers = [
    ...(has.events ? [sql`(f.event_id is null or f.event_id = any (array(select id from done)))`] : []),
    ...(has.timers ? [sql`(f.timer_id is null or f.timer_id = any (array(select id from fired)))`] : []),
  ];
  ctes.push(sql`go as (select f.* from ${fresh} f${markers.length ? sql` where ${sql.join(markers, sql` and `)}` : sql``})`);
  if (has.creates) {
    ctes.push(sql`created as (
      insert into conversations (aspirant_id, ${PATCH_INSERT_COLUMNS})
      select t.aspirant_id, ${PATCH_INSERT_VALUES} from go t where t.conversation_id is null order by t.ord
      returning ${rowConversation('conversations')}
    )`);
  }
  if (has.patches) {
    ctes.push(sql`patched as (
      update conversations c set ${PATCH_SET_SQL} from go t
      where c.id = any (array(select conversation_id from go where conversation_id is not null and has_patch)) and c.id = t.conversation_id
        and t.has_patch
      returning ${rowConversation('c')}
    )`);
  }
  ctes.push(
    has.creates
      ? sql`conv as (select t.ord, t.key, coalesce(t.conversation_id, n.id) as id from go t left join created n on n.aspirant_id = t.aspirant_id)`
      : sql`conv as (select t.ord, t.key, t.conversation_id as id from go t)`,
  );
  if (has.renames) {
    ctes.push(sql`renamed as (
      update aspirants a set updated_at = now(),
        whatsapp_name = case when t.a_set_name then t.a_name else a.whatsapp_name end,
        opted_out_at = case when t.a_set_opted then t.a_opted_out_at else a.opted_out_at end,
        locale = coalesce(t.a_locale, a.locale)
      from go t where a.id = any (array(select aspirant_id from go where a_set_name or a_set_opted or a_locale is not null)) and a.id = t.aspirant_id
        and (t.a_set_name or t.a_set_opted or t.a_locale is not null)
      returning ${rowAspirant('a')}
    )`);
  }
  if (has.messages) {
    ctes.push(sql`msg as (
      insert into messages (conversation_id, ${MESSAGE_INSERT_COLUMNS})
      select c.id, ${messageValues('m')}
      from jsonb_to_recordset(${json(input.messages)}) as m(ord int, seq int, ${sql.raw(MESSAGE_RECORD_COLUMNS)})
      join conv c on c.ord = m.ord
      order by m.ord, m.seq
      returning id, conversation_id
    ), numbered as (
      select id, conversation_id, (row_number() over (partition by conversation_id order by id))::int - 1 as seq from msg
    ), ${
      has.oneMessageEach
        ? sql`msg_ids as (select conversation_id, array[id] as ids from msg)`
        : sql`msg_ids as materialized (
      -- Each conversation's new message ids in order, aggregated once (a subquery per row is quadratic in the batch).
      select conversation_id, array_agg(id order by seq) as ids from numbered group by conversation_id
    )`
    }`);
  }
  if (has.outbox) {
    ctes.push(sql`queued as (
      insert into outbox (message_id, conversation_id, idempotency_key, to_number, body, template_ref, template_variables)
      select n.id, c.id, o.idempotency_key, c.key, o.body, o.template_ref, o.template_variables
      from jsonb_to_recordset(${json(input.outbox)}) as o(ord int, n int, seq int, idempotency_key text, body text,
        template_ref text, template_variables jsonb)
      join conv c on c.ord = o.ord join numbered n on n.conversation_id = c.id and n.seq = o.seq
      order by o.ord, o.n
      returning id
    )`);
  }
  if (has.cancels) {
    // "Still pending" as one coalesce, as server/conversations/commit/general cancelTimers (not timers_due_idx).
    ctes.push(sql`cancels as (
      select c.id as conversation_id, k.name from jsonb_to_recordset(${json(input.cancels)}) as k(ord int, name text)
      join conv c on c.ord = k.ord
    ), cancelled as (
      update timers x set cancelled_at = now() from cancels k
      where x.conversation_id = any (array(select conversation_id from cancels)) and x.conversation_id = k.conversation_id
        and coalesce(x.fired_at, x.cancelled_at) is null and (k.name = '*' or x.name = k.name)
        ${has.timers ? sql`and x.id <> all (array(select id from fired))` : sql``}
      returning x.id
    )`);
  }
  if (has.schedules) {
    ctes.push(sql`scheduled as (
      insert into timers (conversation_id, name, fire_at, cancelled_at)
      select c.id, s.name, s.fire_at, case when s.cancelled then now() end
      from jsonb_to_recordset(${json(input.schedules)}) as s(ord int, n int, name text, fire_at timestamptz, cancelled boolean)
      join conv c on c.ord = s.ord
      order by s.ord, s.n
      returning id
    )`);
  }
  const ids = has.messages ? sql`coalesce(m.ids, '{}')` : sql`'{}'::bigint[]`;
  const withIds = (c: string) => (has.messages ? sql` left join msg_ids m on m.conversation_id = ${sql.raw(c)}.id` : sql``);
  ctes.push(sql`journaled as (
      insert into conversation_events (conversation_id, type, payload, message_ids, at)
      select c.id, t.ev_type, t.ev_payload, ${ids}, t.ev_at from go t join conv c on c.ord = t.ord${withIds('c')}
      returning id
    )`);
  // The list row as this statement leaves it: what it wrote (RETURNING), else the snapshot it did not change.
  const wrote = [...(has.creates ? [sql`select * from created`] : []), ...(has.patches ? [sql`select * from patched`] : [])];
  // Every conversation patched: the update's RETURNING holds every list row, and no other needs looking up.
  const unchanged = sql`select ${rowConversation('o')} from conversations o
        where o.id = any (array(select id from conv))${has.patches ? sql` and o.id <> all (array(select id from patched))` : sql``}`;
  ctes.push(sql`shown as materialized (
      ${has.allPatched ? sql`select * from patched` : sql`${sql.join([...wrote, sql``], sql` union all `)}${unchanged}`}
    ), people as materialized (
      ${has.renames ? sql`select * from renamed union all ` : sql``}select ${rowAspirant('o')} from aspirants o
        where o.id = any (array(select aspirant_id from shown))${has.renames ? sql` and o.id <> all (array(select id from renamed))` : sql``}
    )`);
  return sql`
    with ${sql.join(ctes, sql`, `)}
    select i.ord, c.id as conversation_id, ${has.creates ? sql`f.ord is not null` : sql`true`} as fresh, ${ids} as message_ids,
           s.id as row_id, p.whatsapp_id as row_number, p.phone as row_phone, p.username as row_username, p.first_name as row_first_name, p.last_name as row_last_name,
           p.whatsapp_name as row_whatsapp_name, p.opted_out_at as row_opted_out_at, s.last_message_preview as row_preview,
           s.last_message_at as row_last_message_at, s.unread_count as row_unread, s.status as row_status,
           s.assignee_id as row_assignee_id, u.name as row_assignee_name, s.waiting_since as row_waiting_since,
           s.last_inbound_at as row_last_inbound_at
    from items i${has.creates ? sql` left join fresh f on f.ord = i.ord` : sql``} left join conv c on c.ord = i.ord${withIds('c')}
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
  row_phone: string | null;
  row_username: string | null;
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
  row_waiting_since: Date | string | null;
  row_last_inbound_at: Date | string | null;
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
    phone: row.row_phone,
    username: row.row_username,
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
    waitingSince: date(row.row_waiting_since),
    lastInboundAt: date(row.row_last_inbound_at),
  };
}

/** Commits the plans (one per conversation) in one statement; one outcome per plan, in order. */
export async function commitSet(run: Db | Tx, plans: SetPlan[], fence?: FenceParams): Promise<SetOutcome[]> {
  const rows = rowsOf<SetRow>(await run.execute(setStatement(plans, fence)));
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
