/**
 * @module server/db/batch-insert — durable inbound rows written many per statement under load (one multi-row
 * INSERT), each resolved to its aspirant's conversation key on the way (server/db/inbound-statement).
 */
import { inArray } from 'drizzle-orm';
import type { Db } from './client';
import { createBatcher } from './batcher';
import { identityStatement, peopleOf, phoneStatement, type IdentityRow } from './inbound-statement';
import { inboundEvents } from './schema';
import { rowsOf } from './rows';
import { hasSqlState } from './unavailable';

/**
 * A webhook row: `identity` is who it is from (a message) or to (a status) — a phone (E.164), a BSUID or both, and
 * maybe a username — as server/whatsapp/identity `normaliseIdentity` leaves it.
 */
export type InboundRow = IdentityRow;

/** A stored row: its id and the conversation key it was stored under; null for a provider sid stored before. */
export type StoredRow = { id: number; key: string } | null;

/**
 * Statements run for one batch at most: a row whose person another statement created meanwhile (or a link that
 * another statement made first: unique_violation; or deadlock_detected) is run again in a fresh snapshot, where the
 * winner's row is visible. A third loss in a row is an error (the batch is then split, and a lone row's webhook fails
 * and is redelivered).
 */
const ATTEMPTS = 3;

/** The statement for `rows`: Twilio's shape (a phone alone) takes the phone statement; any other, or a rerun, the identity one. */
function statementFor(rows: InboundRow[], rerun: boolean) {
  const phoneOnly = !rerun && rows.every((r) => r.identity.bsuid === undefined && r.identity.username === undefined);
  return phoneOnly ? phoneStatement(rows) : identityStatement(rows, peopleOf(rows), { byKey: rerun });
}

/**
 * The rows (provider sids not repeated) in one statement, then the rows it could not resolve in another, until each
 * is stored or found a duplicate. Ids follow the rows' order within a statement. A row the statement did not store is
 * a duplicate when its provider sid is stored (one more query, for duplicates and races only), else a row to run again.
 */
async function insertRows(db: Db, rows: InboundRow[], reruns: { count: number }): Promise<Map<string, { id: number; key: string }>> {
  const stored = new Map<string, { id: number; key: string }>();
  let pending = rows;
  for (let attempt = 1; ; attempt++) {
    const rerun = attempt > 1;
    if (rerun) reruns.count++;
    let result: { provider_sid: string; id: number | string; key: string }[];
    try {
      result = rowsOf(await db.execute(statementFor(pending, rerun)));
    } catch (error) {
      if (attempt < ATTEMPTS && hasSqlState(error, '23505', '40P01')) continue;
      throw error;
    }
    for (const row of result) stored.set(row.provider_sid, { id: Number(row.id), key: row.key });
    const missing = pending.filter((r) => !stored.has(r.providerSid)).map((r) => r.providerSid);
    if (missing.length === 0) return stored;
    const duplicates = new Set((await db.select({ sid: inboundEvents.providerSid }).from(inboundEvents).where(inArray(inboundEvents.providerSid, missing))).map((r) => r.sid));
    const lost = new Set(missing.filter((sid) => !duplicates.has(sid)));
    if (lost.size === 0) return stored;
    if (attempt >= ATTEMPTS) throw new Error(`inbound rows: ${lost.size} row(s) found no aspirant after ${ATTEMPTS} statements`);
    pending = pending.filter((r) => lost.has(r.providerSid));
  }
}

/** Each row's id and key, or null for a provider sid already stored or repeated earlier in the batch (the first wins). */
async function insertBatch(db: Db, batch: InboundRow[], reruns: { count: number }): Promise<StoredRow[]> {
  const first = new Map<string, InboundRow>();
  for (const row of batch) if (!first.has(row.providerSid)) first.set(row.providerSid, row);
  const stored = await insertRows(db, [...first.values()], reruns);
  return batch.map((row) => {
    const found = stored.get(row.providerSid) ?? null;
    stored.delete(row.providerSid);
    return found;
  });
}

/**
 * Rows that arrive while a write is in flight go together in the next one (server/db/batcher): under load one
 * statement carries many webhooks (one round trip, one commit); alone, a row goes at once. Each caller learns its
 * row's id and her conversation key — or null for a duplicate — only after the commit; a failed batch is retried
 * row by row. One person's rows (by BSUID, else phone) go in order: several in one statement, or one after another.
 */
export function createInboundWriter(db: Db, options: { maxBatch?: number; concurrency?: number } = {}) {
  const reruns = { count: 0 };
  const batcher = createBatcher<InboundRow, StoredRow>({
    many: (rows) => insertBatch(db, rows, reruns),
    one: async (row) => (await insertBatch(db, [row], reruns))[0]!,
    maxBatch: options.maxBatch ?? 200,
    concurrency: options.concurrency ?? 2,
    // One atomic statement: a failed batch is retried row by row, so one bad row fails only its own webhook.
    onBatchError: 'split',
    // A person's rows commit in the order they came, and their callers hear back (and tell her actor) in that order:
    // several may share a statement (ids follow the rows' order), never two statements in flight at once. Her BSUID
    // comes with every message of a provider that sends one, so it orders them; else her phone.
    keyOf: (row) => row.identity.bsuid ?? row.identity.phone ?? row.providerSid,
    perKey: 'many',
  });
  return {
    /** The row's id and her conversation key once committed, or null when the provider sid was already stored. */
    insert: (row: InboundRow): Promise<StoredRow> => batcher.submit(row),
    /** The batcher's counts, and `reruns`: statements run again for rows another statement's person creation raced. */
    stats: () => ({ ...batcher.stats(), reruns: reruns.count }),
  };
}
