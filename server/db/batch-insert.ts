/** @module server/db/batch-insert — durable inbound rows written many per statement under load (one multi-row INSERT). */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { rowsOf } from './rows';

export interface InboundRow {
  providerSid: string;
  kind: string;
  /** The actor key (the aspirant's E.164 number). */
  conversationKey: string;
  payload: unknown;
}

interface Pending {
  row: InboundRow;
  resolve: (id: number | null) => void;
  reject: (error: unknown) => void;
}

/**
 * One statement for any number of rows: they travel as one JSON parameter, so the text never changes (prepared
 * once per connection, where a VALUES list would be a new statement for every batch size). Ids follow the rows'
 * order; a provider sid already stored (or repeated in the batch) is skipped.
 */
async function insertRows(db: Db, rows: InboundRow[]): Promise<{ id: number; provider_sid: string }[]> {
  const input = JSON.stringify(rows.map((r) => ({ provider_sid: r.providerSid, kind: r.kind, conversation_key: r.conversationKey, payload: r.payload })));
  const result = await db.execute(sql`
    insert into inbound_events (provider_sid, kind, conversation_key, payload)
    select e.value ->> 'provider_sid', e.value ->> 'kind', e.value ->> 'conversation_key', e.value -> 'payload'
    from jsonb_array_elements(${input}::jsonb) with ordinality as e(value, ord)
    order by e.ord
    on conflict (provider_sid) do nothing
    returning id, provider_sid`);
  return rowsOf<{ id: number | string; provider_sid: string }>(result).map((r) => ({ id: Number(r.id), provider_sid: r.provider_sid }));
}

/**
 * Rows that arrive while a write is in flight go together in the next one: under load one INSERT … ON CONFLICT
 * DO NOTHING carries many webhooks (one round trip, one commit); alone, a row goes at once. Each caller learns its
 * row's id — or null for a duplicate — only after the commit.
 */
export function createInboundWriter(db: Db, options: { maxBatch?: number; concurrency?: number } = {}) {
  const maxBatch = options.maxBatch ?? 200;
  const concurrency = options.concurrency ?? 2;
  const queue: Pending[] = [];
  let inFlight = 0;

  async function write(batch: Pending[]): Promise<void> {
    try {
      // A provider sid repeated inside one batch: the first wins, the rest are duplicates.
      const first = new Map<string, InboundRow>();
      for (const p of batch) if (!first.has(p.row.providerSid)) first.set(p.row.providerSid, p.row);
      const unique = [...first.values()];
      const ids = new Map((await insertRows(db, unique)).map((r) => [r.provider_sid, r.id]));
      for (const pending of batch) {
        const id = ids.get(pending.row.providerSid);
        ids.delete(pending.row.providerSid);
        pending.resolve(id ?? null);
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  function pump(): void {
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    /** The row's id once committed, or null when the provider sid was already stored. */
    insert(row: InboundRow): Promise<number | null> {
      const { promise, resolve, reject } = Promise.withResolvers<number | null>();
      queue.push({ row, resolve, reject });
      pump();
      return promise;
    },
  };
}
