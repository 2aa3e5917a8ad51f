/** @module server/db/batch-insert — durable inbound rows written many per statement under load (one multi-row INSERT). */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { createBatcher } from './batcher';
import { rowsOf } from './rows';

export interface InboundRow {
  providerSid: string;
  kind: string;
  /** The actor key (the aspirant's E.164 number). */
  conversationKey: string;
  payload: unknown;
  /** For an aspirant's message: create the aspirant row for `conversationKey` when missing, with this profile name. */
  aspirant?: { whatsappName: string | null };
}

/**
 * One statement for any number of rows: they travel as one JSON parameter, so the text never changes (prepared
 * once per connection, where a VALUES list would be a new statement for every batch size). Ids follow the rows'
 * order; a provider sid already stored (or repeated in the batch) is skipped.
 *
 * A row with `aspirant` also creates the aspirant row for its number when there is none (its WhatsApp profile name
 * kept, as on every creation; an existing row is left untouched): an aspirant's message makes the aspirant known the
 * moment it is stored, so its actor loads the id with its state and the first message needs no statement of its own
 * for it (the bot's first message carries a form link signed with that id).
 */
async function insertRows(db: Db, rows: InboundRow[]): Promise<{ id: number; provider_sid: string }[]> {
  const input = JSON.stringify(
    rows.map((r) => ({ provider_sid: r.providerSid, kind: r.kind, conversation_key: r.conversationKey, payload: r.payload, aspirant: r.aspirant ? { whatsapp_name: r.aspirant.whatsappName } : null })),
  );
  const result = await db.execute(sql`
    with e as (
      select value, ord from jsonb_array_elements(${input}::jsonb) with ordinality as e(value, ord)
    ), known as (
      insert into aspirants (whatsapp_id, whatsapp_name)
      select e.value ->> 'conversation_key', e.value -> 'aspirant' ->> 'whatsapp_name'
      from e where jsonb_typeof(e.value -> 'aspirant') = 'object'
      -- In number order, as ensureAspirants: two statements inserting the same numbers take them in one order; a
      -- number's rows in arrival order, so its first message's profile name is the one kept (a sort keeps no ties).
      order by e.value ->> 'conversation_key', e.ord
      on conflict (whatsapp_id) do nothing
    )
    insert into inbound_events (provider_sid, kind, conversation_key, payload)
    select e.value ->> 'provider_sid', e.value ->> 'kind', e.value ->> 'conversation_key', e.value -> 'payload'
    from e
    order by e.ord
    on conflict (provider_sid) do nothing
    returning id, provider_sid`);
  return rowsOf<{ id: number | string; provider_sid: string }>(result).map((r) => ({ id: Number(r.id), provider_sid: r.provider_sid }));
}

/** Each row's id, or null for a provider sid already stored or repeated earlier in the batch (the first wins). */
async function insertBatch(db: Db, batch: InboundRow[]): Promise<(number | null)[]> {
  const first = new Map<string, InboundRow>();
  for (const row of batch) if (!first.has(row.providerSid)) first.set(row.providerSid, row);
  const ids = new Map((await insertRows(db, [...first.values()])).map((r) => [r.provider_sid, r.id]));
  return batch.map((row) => {
    const id = ids.get(row.providerSid) ?? null;
    ids.delete(row.providerSid);
    return id;
  });
}

/**
 * Rows that arrive while a write is in flight go together in the next one (server/db/batcher): under load one
 * INSERT … ON CONFLICT DO NOTHING carries many webhooks (one round trip, one commit); alone, a row goes at once.
 * Each caller learns its row's id — or null for a duplicate — only after the commit; a failed batch is retried row by row.
 * Rows of one conversation go in order: several in one statement, or one statement after another.
 */
export function createInboundWriter(db: Db, options: { maxBatch?: number; concurrency?: number } = {}) {
  const batcher = createBatcher<InboundRow, number | null>({
    many: (rows) => insertBatch(db, rows),
    one: async (row) => (await insertBatch(db, [row]))[0]!,
    maxBatch: options.maxBatch ?? 200,
    concurrency: options.concurrency ?? 2,
    // One atomic statement: a failed batch is retried row by row, so one bad row fails only its own webhook.
    onBatchError: 'split',
    // A conversation's rows commit in the order they came, and their callers hear back (and tell its actor) in that
    // order: several may share a statement (ids follow the rows' order), never two statements in flight at once.
    keyOf: (row) => row.conversationKey,
    perKey: 'many',
  });
  return {
    /** The row's id once committed, or null when the provider sid was already stored. */
    insert: (row: InboundRow): Promise<number | null> => batcher.submit(row),
    stats: () => batcher.stats(),
  };
}
