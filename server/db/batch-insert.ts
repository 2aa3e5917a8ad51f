/** @module server/db/batch-insert — durable inbound rows written many per statement under load (one multi-row INSERT). */
import type { Db } from './client';
import { inboundEvents } from './schema';

export type InboundRow = typeof inboundEvents.$inferInsert & { providerSid: string };

interface Pending {
  row: InboundRow;
  resolve: (id: number | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Rows that arrive while a write is in flight go together in the next one: under load one INSERT …
 * VALUES (…), (…) ON CONFLICT DO NOTHING carries many webhooks (one round trip, one commit); alone, a
 * row goes at once. Each caller learns its row's id — or null for a duplicate — only after the commit.
 */
export function createInboundWriter(db: Db, options: { maxBatch?: number; concurrency?: number } = {}) {
  const maxBatch = options.maxBatch ?? 200;
  const concurrency = options.concurrency ?? 2;
  const queue: Pending[] = [];
  let inFlight = 0;

  async function write(batch: Pending[]): Promise<void> {
    try {
      // A provider sid repeated inside one batch: the first wins, the rest are duplicates.
      const unique = [...new Map(batch.map((p) => [p.row.providerSid, p.row])).values()];
      const inserted = await db
        .insert(inboundEvents)
        .values(unique)
        .onConflictDoNothing({ target: inboundEvents.providerSid })
        .returning({ id: inboundEvents.id, providerSid: inboundEvents.providerSid });
      const ids = new Map(inserted.map((r) => [r.providerSid, r.id]));
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

