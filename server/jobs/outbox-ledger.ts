/**
 * @module server/jobs/outbox-ledger — what is written about an outbox row once its lane holds it: sent, failed, or
 * moved on (retry, in doubt). Each write is a compare-and-set from the state the lane holds the row in, and is
 * retried while the database is unreachable as bookkeeping, never as a new send.
 *
 * The outbox keeps the provider's sid on its own row (reconciliation looks it up there); the message's sid is the
 * actor's to record, from the `outbox.sent` it is told (its commit is the one writer of messages.provider_sid).
 */
import { and, eq, sql } from 'drizzle-orm';
import { createBatcher } from '../db/batcher';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { outbox } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { JobContext } from './runner';

export type OutboxRow = typeof outbox.$inferSelect;

/** The states a row's fate is unknown in: only from these is it recorded as sent or failed. */
export const IN_DOUBT: OutboxRow['state'][] = ['sending', 'unconfirmed'];
const IN_DOUBT_SQL = sql.raw(IN_DOUBT.map((state) => `'${state}'`).join(', '));

/** What the conversation's actor is told once a row's fate is known. */
export type SendOutcome = { type: 'outbox.sent'; messageId: number; providerSid: string } | { type: 'outbox.failed'; messageId: number; errorCode?: number; reason: string };

export interface OutboxLedgerOptions {
  db: Db;
  logger: Logger;
  metrics: Metrics;
  notify(key: string, outcome: SendOutcome): void;
  /** Told when a row is put in doubt ('unconfirmed'), with when it is due for its look-up. */
  onInDoubt?(dueAt: Date): void;
}

interface SentRow {
  id: number;
  sid: string;
}

/**
 * Marks the rows sent with their provider sids, each only from a state its fate is unknown in (IN_DOUBT), in ONE
 * fixed-text statement. True for a row this moved, or that an earlier attempt whose answer was lost already marked
 * sent with the same sid (read from the snapshot before the update); false when it moved on otherwise.
 */
export async function recordSent(db: Db, rows: SentRow[]): Promise<boolean[]> {
  const result = rowsOf<{ id: number | string; mine: boolean }>(
    await db.execute(sql`
      with input as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id bigint, sid text)),
      moved as (
        update outbox o set state = 'sent', provider_sid = x.sid, sent_at = now(), last_error = null
        from input x
        where o.id = any (array(select id from input)) and o.id = x.id and o.state in (${IN_DOUBT_SQL})
        returning o.id
      )
      select x.id, (x.id = any (array(select id from moved))
                    or exists (select 1 from outbox o where o.id = x.id and o.state = 'sent' and o.provider_sid = x.sid)) as mine
      from input x`),
  );
  const mine = new Map(result.map((r) => [Number(r.id), r.mine]));
  return rows.map((row) => mine.get(row.id) === true);
}

/** The row's transitions for one queue: `setRow` (compare-and-set), `succeed` (sent, sid on the row), `fail`; each tells the actor what it must know. */
export function createOutboxLedger(options: OutboxLedgerOptions) {
  const { db, logger } = options;
  const sent = options.metrics.counter('wasap_outbox_sent_total', 'Outbound messages accepted by the provider');
  const failed = options.metrics.counter('wasap_outbox_failed_total', 'Outbound messages that failed permanently');
  // Sends that finish together record their sids in one statement; a row is never twice in one.
  const sentRows = createBatcher<SentRow, boolean>({
    many: (rows) => recordSent(db, rows),
    one: async (row) => (await recordSent(db, [row]))[0]!,
    concurrency: 1,
    maxBatch: 100,
    keyOf: (row) => row.id,
  });

  /**
   * The write that records a send's fate, waited out while the database is unreachable (the send is never repeated
   * for it). False when the queue stops or on a non-transient error: the row then stays in doubt and is reconciled
   * at the next start.
   */
  async function record(ctx: JobContext, what: string, row: OutboxRow, write: () => Promise<void>): Promise<boolean> {
    try {
      await ctx.untilAvailable(write);
      return true;
    } catch (error) {
      logger.error('could not record an outbox outcome; the row is reconciled at the next start', { outboxId: row.id, what, err: error as Error });
      return false;
    }
  }

  /**
   * Moves the row on only from the state this lane holds it in (compare-and-set): a stale write — a lane of a
   * replaced pool, a second process — never overwrites what another already recorded. False when not moved.
   */
  async function setRow(ctx: JobContext, row: OutboxRow, what: string, values: Partial<OutboxRow>): Promise<boolean> {
    let moved = false;
    const ok = await record(ctx, what, row, async () => {
      const done = await db
        .update(outbox)
        .set(values)
        // The claim's own attempt number too: a row another process claimed since (a shard moved) is not this one's.
        .where(and(eq(outbox.id, row.id), eq(outbox.state, row.state), eq(outbox.attempts, row.attempts)))
        .returning({ id: outbox.id });
      moved = done.length > 0;
    });
    if (ok && !moved) logger.warn('outbox row moved on by someone else; this outcome is dropped', { outboxId: row.id, what });
    if (moved && values.state === 'unconfirmed') options.onInDoubt?.(values.nextAttemptAt ?? new Date());
    return ok && moved;
  }

  /**
   * Records the provider's sid on the row and tells the actor, which records it on the message. A retry whose first
   * write committed with its answer lost finds the row already sent with this sid: the actor is told all the same.
   */
  async function succeed(ctx: JobContext, row: OutboxRow, sid: string): Promise<void> {
    let moved = false;
    const ok = await record(ctx, 'sent', row, async () => {
      moved = await sentRows.submit({ id: row.id, sid });
    });
    if (!ok || !moved) return;
    sent.inc();
    options.notify(row.toNumber, { type: 'outbox.sent', messageId: row.messageId, providerSid: sid });
  }

  async function fail(ctx: JobContext, row: OutboxRow, reason: string, errorCode?: number): Promise<void> {
    if (!(await setRow(ctx, row, 'failed', { state: 'failed', lastError: reason }))) return;
    failed.inc();
    logger.warn('message not sent', { outboxId: row.id, attempts: row.attempts, errorCode, reason });
    options.notify(row.toNumber, { type: 'outbox.failed', messageId: row.messageId, errorCode, reason });
  }

  return { setRow, succeed, fail };
}

export type OutboxLedger = ReturnType<typeof createOutboxLedger>;

/**
 * The give-up window: past it, retrying longer would only deliver a message nobody expects any more (24 h by
 * default: WhatsApp's customer-service window, after which free text could not go out anyway).
 */
export function giveUpPolicy(giveUpAfterMs: number, provider = 'the provider') {
  return {
    expired(row: OutboxRow): boolean {
      return Date.now() - row.createdAt.getTime() >= giveUpAfterMs;
    },
    /** The final reason a recruiter reads: what was tried and for how long, never "will be retried". */
    gaveUp(row: OutboxRow, last: string | null): string {
      const hours = Math.max(1, Math.round(giveUpAfterMs / 3_600_000));
      const cause = (last ?? 'no answer').replace(/:? ?(the message )?will be (checked (with|against) [^,]+, then )?retried( if it did not (arrive|go out))?\.?$/, '');
      return `Not sent: ${provider} could not take it in ${row.attempts} attempt(s) over ${hours} h (last: ${cause})`;
    },
  };
}

export type GiveUpPolicy = ReturnType<typeof giveUpPolicy>;
