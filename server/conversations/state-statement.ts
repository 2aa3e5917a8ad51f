/**
 * @module server/conversations/state-statement — the two reads and writes an actor makes before its first decision,
 * each as ONE fixed-text statement for many conversations at once: loading actors' states (`loadStates`) and
 * creating first messages' aspirant rows (`ensureAspirants`). The batch travels as one parameter (a JSON
 * document), so the text never changes and the prepared statement is reused whatever the batch size.
 */
import { sql, type SQL } from 'drizzle-orm';
import { initialState } from '../../actors/conversation/decide';
import type { ConversationState } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';

interface StateRow {
  ord: number | string;
  aspirant_id: number | null;
  whatsapp_name: string | null;
  first_name: string | null;
  has_kids: boolean | null;
  locale: string | null;
  form_submitted: boolean | null;
  /** Under 18 on the Bogotá day of her latest form, and whether her newest guardian authorised (Decree 1377 Art. 12). */
  minor: boolean | null;
  guardian_authorised: boolean | null;
  /** Her latest form's `photos` box (Law 1581 Arts. 5–6); true for a form from before the box; null: no form. */
  photos_authorised: boolean | null;
  opted_out: boolean | null;
  conversation_id: number | null;
  status: ConversationState['status'] | null;
  /** Epoch ms (float8), so neither driver's timestamp parsing is involved. */
  last_inbound_ms: number | null;
  waiting_since_ms: number | null;
  bot_paused: boolean | null;
  bot_state: ConversationState['bot'] | string | null;
  bot_script: string | null;
  assignee_id: number | null;
  /** The notice version of her latest `treatment` decision when it is an authorisation (actors NoticeFacts). */
  consented_version: number | string | null;
  /** The newest notice version a message of ours linked (messages.extra.noticeVersion); read only when one may be owed. */
  linked_version: number | string | null;
}

const versionOf = (value: number | string | null): number | null => (value === null ? null : Number(value));

function stateOf(key: string, row: StateRow | undefined): ConversationState {
  if (!row || row.aspirant_id === null) return initialState(key);
  const bot = typeof row.bot_state === 'string' ? (JSON.parse(row.bot_state) as ConversationState['bot']) : row.bot_state;
  return {
    key,
    conversationId: row.conversation_id,
    aspirantId: row.aspirant_id,
    script: row.bot_script,
    bot: bot ?? null,
    facts: {
      locale: row.locale === 'en' ? 'en' : 'es',
      firstName: row.first_name ?? undefined,
      whatsappName: row.whatsapp_name ?? undefined,
      hasKids: row.has_kids ?? undefined,
      formSubmitted: row.form_submitted === true,
      ...(row.minor ? { minor: true, guardianAuthorised: row.guardian_authorised === true } : {}),
      ...(row.photos_authorised === null ? {} : { photosAuthorised: row.photos_authorised }),
    },
    status: row.status ?? 'new',
    lastInboundAt: row.last_inbound_ms === null ? null : Number(row.last_inbound_ms),
    waitingSince: row.waiting_since_ms === null ? null : Number(row.waiting_since_ms),
    optedOut: row.opted_out === true,
    botPaused: row.bot_paused ?? false,
    assigneeId: row.assignee_id ?? null,
    notice: { consentedVersion: versionOf(row.consented_version), linkedVersion: versionOf(row.linked_version) },
  };
}

/**
 * The statement for `loadStates`; exported for the query-plan test. Rows are found with `= any (array(…))`, an index
 * lookup however large the tables have grown (joined straight to the input, a custom plan hash-joined over a scan of
 * every aspirant: 5.9 ms a statement with 10,000 of them, measured here), each table read once (materialised).
 */
export function loadStatesQuery(keys: string[]): SQL {
  return sql`
    with k as (
      select key, ord from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) with ordinality as k(key, ord)
    ), a as materialized (
      select * from aspirants where whatsapp_id = any (array(select key from k))
    ), c as materialized (
      select * from conversations where aspirant_id = any (array(select id from a))
    )
    select k.ord, a.id as aspirant_id, a.whatsapp_name, a.first_name, a.has_kids, a.locale,
           a.form_submitted_at is not null as form_submitted, a.opted_out_at is not null as opted_out,
           a.birth_date > ((a.form_submitted_at at time zone 'America/Bogota')::date - interval '18 years')::date as minor,
           (select g.authorised_at is not null from guardians g where g.aspirant_id = a.id order by g.created_at desc, g.id desc limit 1) as guardian_authorised,
           -- Her latest form's photos box, by form_submissions_aspirant_idx; a form from before the box (no sensitiveConsents) counts as yes.
           (select coalesce(f.data -> 'sensitiveConsents' @> '["photos"]'::jsonb, true) from form_submissions f where f.aspirant_id = a.id order by f.created_at desc, f.id desc limit 1) as photos_authorised,
           c.id as conversation_id, c.status, floor(extract(epoch from c.last_inbound_at) * 1000)::float8 as last_inbound_ms,
           floor(extract(epoch from c.waiting_since) * 1000)::float8 as waiting_since_ms, c.bot_paused, c.bot_state, c.bot_script, c.assignee_id,
           cv.version as consented_version,
           -- Her messages are read only when a newer notice than hers is in force (rare), by the history index.
           case when cv.version < (select max(version) from privacy_notices) then
             (select max((m.extra ->> 'noticeVersion')::int) from messages m where m.conversation_id = c.id and m.extra ->> 'noticeVersion' is not null)
           end as linked_version
    from k join a on a.whatsapp_id = k.key left join c on c.aspirant_id = a.id
    left join lateral (
      select case when x.decision = 'authorisation' then x.notice_version end as version
      from consents x where x.aspirant_id = a.id and x.scope = 'treatment' order by x.at desc, x.id desc limit 1
    ) cv on true`;
}

/**
 * The states of the actors for `keys` (WhatsApp ids, E.164), in the order given: the aspirant with its conversation
 * (conversations_aspirant_id_key makes it at most one), or the initial state for a number never seen.
 */
export async function loadStates(db: Db, keys: string[]): Promise<ConversationState[]> {
  const rows = rowsOf<StateRow>(await db.execute(loadStatesQuery(keys)));
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return keys.map((key, i) => stateOf(key, byOrd.get(i + 1)));
}

/**
 * The aspirant ids for first messages' numbers, created when missing (the WhatsApp profile name is kept only on
 * creation; an existing row gets its updated_at touched). `items` must not repeat a key: ON CONFLICT DO UPDATE
 * cannot touch one row twice in a statement. Ids come back in the order of `items`.
 */
export async function ensureAspirants(db: Db, items: { key: string; whatsappName?: string }[]): Promise<number[]> {
  const batch = JSON.stringify(items.map((item) => ({ key: item.key, name: item.whatsappName ?? null })));
  const rows = rowsOf<{ id: number; whatsapp_id: string }>(
    await db.execute(sql`
      insert into aspirants (whatsapp_id, whatsapp_name)
      select x.key, x.name from jsonb_to_recordset(${batch}::jsonb) as x(key text, name text)
      -- In number order, as the webhook rows' aspirants (server/db/batch-insert): no two statements wait on each other.
      order by x.key
      on conflict (whatsapp_id) do update set updated_at = now()
      returning id, whatsapp_id`),
  );
  const byKey = new Map(rows.map((row) => [row.whatsapp_id, Number(row.id)]));
  return items.map((item) => {
    const id = byKey.get(item.key);
    if (id === undefined) throw new Error('ensureAspirants: no row came back for a number');
    return id;
  });
}
