/**
 * @module server/jobs/outbox — sends outbox rows: claimed in order, rate-limited, retried with backoff,
 * never sent twice.
 *
 * Each conversation's rows go out in order in a lane of their own, so one slow or hung request holds back only its
 * own conversation. A send whose outcome is unknown (timeout, dropped connection, 5xx, a crash mid-send) becomes
 * `unconfirmed` and is reconciled — looked up among the recipient's recent messages at the provider — before any
 * resend, because Twilio does not deduplicate. What must be written after a send (sent, failed, retry) is retried
 * as bookkeeping while the database is unreachable, never as a new send.
 */
import { and, asc, eq, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import { aspirants, messages, outbox } from '../db/schema';
import { isTransient } from '../db/unavailable';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { classifySendError } from '../whatsapp/send-errors';
import type { TwilioSender } from '../whatsapp/twilio-sender';

/** Anything that sends one message: the Twilio sender or the simulator. */
export type Sender = TwilioSender;

/** What the worker tells the conversation's actor once a row's fate is known. */
export type SendOutcome = { type: 'outbox.sent'; messageId: number; providerSid: string } | { type: 'outbox.failed'; messageId: number; errorCode?: number; reason: string };

export interface OutboxWorkerOptions {
  db: Db;
  sender: Sender;
  notify(key: string, outcome: SendOutcome): void;
  logger: Logger;
  metrics: Metrics;
  maxMps?: number;
  /**
   * How long a message keeps being retried while Twilio is unreachable or failing (default 24 h: WhatsApp's
   * customer-service window, after which free text could not go out anyway). Refusals fail it at once.
   */
  giveUpAfterMs?: number;
  backoffMs?: (attempt: number) => number;
  /** How often due retries are looked for when nothing wakes the worker. */
  pollMs?: number;
  batchSize?: number;
  /** How long after an ambiguous send the provider is asked whether it has the message (default 5 s). */
  reconcileAfterMs?: number;
}

type Row = typeof outbox.$inferSelect;

/** The states a row's fate is unknown in: only from these is it recorded as sent or failed. */
const IN_DOUBT: Row['state'][] = ['sending', 'unconfirmed'];
type Claimed = Row & { optedOut: boolean };

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db, sender, logger } = options;
  const giveUpAfterMs = options.giveUpAfterMs ?? 24 * 60 * 60_000;
  const backoff = options.backoffMs ?? exponentialBackoff({ baseMs: 1000, capMs: 5 * 60_000 });
  const reconcileAfterMs = options.reconcileAfterMs ?? 5000;
  const lookupBackoff = exponentialBackoff({ baseMs: 5000, capMs: 5 * 60_000 });
  const bookkeepingBackoff = exponentialBackoff({ baseMs: 100, capMs: 1000 });
  const minGapMs = 1000 / (options.maxMps ?? 10);
  const sent = options.metrics.counter('wasap_outbox_sent_total', 'Outbound messages accepted by the provider');
  const failed = options.metrics.counter('wasap_outbox_failed_total', 'Outbound messages that failed permanently');
  const retried = options.metrics.counter('wasap_outbox_retried_total', 'Outbound send attempts that will be retried');
  const unconfirmed = options.metrics.counter('wasap_outbox_unconfirmed_total', 'Sends whose outcome was unknown (timeout, dropped connection, 5xx, crash), reconciled before any resend');
  const reconciled = options.metrics.counter('wasap_outbox_reconciled_total', 'Reconciliations of unconfirmed sends, by what the provider said', ['outcome'] as const);
  const bookkeepingRetries = options.metrics.counter('wasap_outbox_bookkeeping_retries_total', 'Writes after a send retried because the database was unreachable');
  /** Conversations with a lane running in this process: their rows are not claimed again until it ends. */
  const lanes = new Map<number, Promise<void>>();
  const lookupFailures = new Map<number, number>();
  let running: Promise<void> | null = null;
  /** Nothing is claimed before recover() has put the rows a crash left 'sending' in doubt. */
  let started = false;
  /** A claim failed for the database: it may have committed with its answer lost, leaving rows 'sending' that no lane holds. */
  let claimInDoubt = false;
  let again = false;
  let stopped = false;
  let nextSlot = 0;
  const timer = setInterval(wake, options.pollMs ?? 1000);
  timer.unref();

  /**
   * The write that records a send's fate, retried while the database is unreachable (the send is never repeated
   * for it). Gives up only when the worker stops or on a non-transient error: the row then stays in doubt and is
   * reconciled at the next start.
   */
  async function record(what: string, row: Row, write: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        if (stopped || !isTransient(error)) {
          logger.error('could not record an outbox outcome; the row is reconciled at the next start', { outboxId: row.id, what, err: error as Error });
          return false;
        }
        bookkeepingRetries.inc();
        await Bun.sleep(bookkeepingBackoff(attempt));
      }
    }
  }

  /**
   * The sid of this row's message at the provider, null when the provider does not have it, or why it could not be
   * asked (`permanent`: asking again will not help, e.g. an API key without read access). Never sends.
   */
  async function lookUp(row: Row): Promise<string | null | { unknown: string; permanent: boolean }> {
    if (!sender.findSent) return null;
    try {
      const found = await sender.findSent({ to: row.toNumber, body: row.body ?? undefined, contentSid: row.contentSid ?? undefined, since: row.createdAt });
      if (!found) return null;
      // The same text may have gone out for another row: a sid recorded on another row is not this row's.
      const [taken] = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.providerSid, found.sid), ne(outbox.id, row.id)))
        .limit(1);
      return taken ? null : found.sid;
    } catch (error) {
      const e = classifySendError(error);
      logger.warn('could not reconcile an unconfirmed send', { outboxId: row.id, permanent: e.permanent, reason: e.reason });
      return { unknown: e.reason, permanent: e.permanent };
    }
  }

  async function succeed(row: Row, sid: string): Promise<void> {
    let moved = false;
    const ok = await record('sent', row, () =>
      db.transaction(async (tx) => {
        const done = await tx
          .update(outbox)
          .set({ state: 'sent', providerSid: sid, sentAt: new Date(), lastError: null })
          .where(and(eq(outbox.id, row.id), inArray(outbox.state, IN_DOUBT)))
          .returning({ id: outbox.id });
        moved = done.length > 0;
        if (moved) await tx.update(messages).set({ providerSid: sid, updatedAt: new Date() }).where(eq(messages.id, row.messageId));
      }),
    );
    if (!ok || !moved) return;
    sent.inc();
    options.notify(row.toNumber, { type: 'outbox.sent', messageId: row.messageId, providerSid: sid });
  }

  async function fail(row: Row, reason: string, errorCode?: number): Promise<void> {
    if (!(await setRow(row, 'failed', { state: 'failed', lastError: reason }))) return;
    failed.inc();
    logger.warn('message not sent', { outboxId: row.id, attempts: row.attempts, errorCode, reason });
    options.notify(row.toNumber, { type: 'outbox.failed', messageId: row.messageId, errorCode, reason });
  }

  /**
   * Moves the row on only from the state this lane holds it in (compare-and-set): a stale write — a lane of a
   * replaced pool, a second process — never overwrites what another already recorded. False when not moved.
   */
  async function setRow(row: Row, what: string, values: Partial<Row>): Promise<boolean> {
    let moved = false;
    const ok = await record(what, row, async () => {
      const done = await db
        .update(outbox)
        .set(values)
        .where(and(eq(outbox.id, row.id), eq(outbox.state, row.state)))
        .returning({ id: outbox.id });
      moved = done.length > 0;
    });
    if (ok && !moved) logger.warn('outbox row moved on by someone else; this outcome is dropped', { outboxId: row.id, what });
    return ok && moved;
  }

  /** Asks the provider about an unconfirmed row: found → recorded as sent; not found → queued again (same idempotency key). */
  async function reconcile(row: Row): Promise<void> {
    const found = await lookUp(row);
    if (found !== null && typeof found === 'object') {
      // Not knowing is not a reason to send again: it stays in doubt, and after the give-up window (or at once when
      // asking can never work) it fails with a reason that tells the recruiter to check before sending it again.
      if (found.permanent || expired(row)) {
        lookupFailures.delete(row.id);
        return fail(row, `Twilio may have delivered this message, but it could not be checked (${found.unknown}); ask the aspirant before sending it again`);
      }
      const n = (lookupFailures.get(row.id) ?? 0) + 1;
      lookupFailures.set(row.id, n);
      await setRow(row, 'lookup failed', { nextAttemptAt: new Date(Date.now() + lookupBackoff(n)) });
      return;
    }
    lookupFailures.delete(row.id);
    reconciled.inc({ outcome: found ? 'found' : 'not_found' });
    if (found) return succeed(row, found);
    if (expired(row)) return fail(row, gaveUp(row, row.lastError));
    await setRow(row, 'not found', { state: 'pending', nextAttemptAt: new Date() });
  }

  /** Past the give-up window: retrying longer would only deliver a message nobody expects any more. */
  function expired(row: Row): boolean {
    return Date.now() - row.createdAt.getTime() >= giveUpAfterMs;
  }

  /** The final reason a recruiter reads: what was tried and for how long, never "will be retried". */
  function gaveUp(row: Row, last: string | null): string {
    const hours = Math.max(1, Math.round(giveUpAfterMs / 3_600_000));
    const cause = (last ?? 'no answer').replace(/:? ?(the message )?will be (checked with Twilio, then )?retried( if it did not arrive)?\.?$/, '');
    return `Not sent: Twilio could not take it in ${row.attempts} attempt(s) over ${hours} h (last: ${cause})`;
  }

  async function pace(): Promise<void> {
    const now = performance.now();
    const wait = nextSlot - now;
    nextSlot = Math.max(now, nextSlot) + minGapMs;
    if (wait > 0) await Bun.sleep(wait);
  }

  async function sendOne(row: Claimed): Promise<void> {
    if (row.optedOut) return fail(row, 'The aspirant opted out before this message was sent.');
    await pace();
    let sid: string;
    try {
      const result = await sender.send({
        to: row.toNumber,
        body: row.body ?? undefined,
        contentSid: row.contentSid ?? undefined,
        contentVariables: (row.contentVariables as Record<string, string> | null) ?? undefined,
        mediaUrl: row.mediaUrls ?? undefined,
        idempotencyKey: row.idempotencyKey,
      });
      sid = result.sid;
    } catch (error) {
      const e = classifySendError(error);
      if (e.ambiguous) {
        unconfirmed.inc();
        logger.warn('send outcome unknown; it will be looked up before any resend', { outboxId: row.id, attempt: row.attempts, reason: e.reason });
        await setRow(row, 'unconfirmed', { state: 'unconfirmed', lastError: e.reason, nextAttemptAt: new Date(Date.now() + reconcileAfterMs) });
        return;
      }
      if (e.permanent) return fail(row, e.reason, e.providerCode);
      if (expired(row)) return fail(row, gaveUp(row, e.reason), e.providerCode);
      retried.inc();
      const delay = backoff(row.attempts);
      logger.warn('send failed; will retry', { outboxId: row.id, attempt: row.attempts, retryInMs: delay, reason: e.reason });
      await setRow(row, 'retry', { state: 'pending', lastError: e.reason, nextAttemptAt: new Date(Date.now() + delay) });
      return;
    }
    await succeed(row, sid);
  }

  /**
   * Due rows of conversations without a lane here and without an earlier row in doubt: pending ones are marked
   * sending (attempts + 1), unconfirmed ones are leased for a minute (their next look-up) so no other run takes them.
   */
  async function claim(): Promise<Claimed[]> {
    if (claimInDoubt) await adoptOrphans();
    const busy = [...lanes.keys()];
    const free = busy.length ? notInArray(outbox.conversationId, busy) : undefined;
    // A row whose fate is unknown ('sending', 'unconfirmed') holds back the later rows of its conversation; the
    // predicate is outbox_in_doubt_idx's, word for word.
    const earlierInDoubt = sql`not exists (select 1 from outbox d where d.conversation_id = ${outbox.conversationId} and d.id < ${outbox.id} and d.state not in ('pending', 'sent', 'failed', 'cancelled'))`;
    const due = (state: 'pending' | 'unconfirmed') =>
      db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.state, state), lte(outbox.nextAttemptAt, new Date()), free, earlierInDoubt))
        .orderBy(asc(outbox.id))
        .limit(options.batchSize ?? 100)
        .for('update', { skipLocked: true });
    const doubtful = await db
      .update(outbox)
      .set({ nextAttemptAt: sql`now() + interval '1 minute'` })
      .where(inArray(outbox.id, due('unconfirmed')))
      .returning();
    const claimed = await db
      .update(outbox)
      .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due('pending')))
      .returning();
    const rows = [...doubtful, ...claimed];
    if (rows.length === 0) return [];
    const out = await db
      .select({ whatsappId: aspirants.whatsappId })
      .from(aspirants)
      .where(and(inArray(aspirants.whatsappId, [...new Set(rows.map((r) => r.toNumber))]), sql`${aspirants.optedOutAt} is not null`));
    const optedOut = new Set(out.map((r) => r.whatsappId));
    return rows.sort((a, b) => a.id - b.id).map((row) => ({ ...row, optedOut: optedOut.has(row.toNumber) }));
  }

  /**
   * After a claim whose answer was lost: rows 'sending' that no lane of this process holds have an unknown fate, so
   * they are reconciled like a crash's; 'unconfirmed' rows leased by that claim are due again now. One process
   * sends today; with several (shard leases) this becomes a check of the lease's owner.
   */
  async function adoptOrphans(): Promise<void> {
    const busy = [...lanes.keys()];
    const unheld = busy.length ? notInArray(outbox.conversationId, busy) : undefined;
    const orphans = await db
      .update(outbox)
      .set({ state: 'unconfirmed', nextAttemptAt: new Date() })
      .where(and(inArray(outbox.state, ['sending', 'unconfirmed']), unheld))
      .returning({ id: outbox.id });
    claimInDoubt = false;
    if (orphans.length) logger.warn('outbox rows in doubt after a lost claim are reconciled now', { count: orphans.length });
  }

  /** Starts one lane per conversation; a lane ends when its rows are done and wakes the worker for what came meanwhile. */
  async function runOnce(): Promise<number> {
    const rows = await claim();
    const byConversation = new Map<number, Claimed[]>();
    for (const row of rows) byConversation.set(row.conversationId, [...(byConversation.get(row.conversationId) ?? []), row]);
    for (const [conversationId, queue] of byConversation) {
      const lane = (async () => {
        // A row after one that is still in doubt waits for it: sending it now would overtake.
        for (const row of queue) {
          if (row.state === 'unconfirmed') await reconcile(row);
          else await sendOne(row);
        }
      })()
        .catch((error: unknown) => logger.error('outbox lane failed', { err: error as Error }))
        .finally(() => {
          lanes.delete(conversationId);
          wake();
        });
      lanes.set(conversationId, lane);
    }
    return rows.length;
  }

  function wake(): void {
    if (stopped || !started) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          if ((await runOnce()) > 0) again = true;
        } catch (error) {
          claimInDoubt = true;
          if (isTransient(error)) logger.warn('outbox paused: the database is unreachable', { err: error as Error });
          else logger.error('outbox run failed', { err: error as Error });
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  /**
   * At start: rows left 'sending' by a crash may or may not have reached the provider. Each becomes 'unconfirmed'
   * (due now) and goes through the same claim and reconciliation as any other — found → sent, not found → queued
   * again, provider unreachable → asked again later. Until this has run the worker claims nothing, so a row is
   * never reconciled and sent by two paths at once. Resolves once they are settled; returns how many there were.
   */
  async function recover(): Promise<number> {
    const rows = await db.update(outbox).set({ state: 'unconfirmed', nextAttemptAt: new Date() }).where(eq(outbox.state, 'sending')).returning({ id: outbox.id });
    if (rows.length) logger.warn('outbox rows interrupted while sending are reconciled', { count: rows.length });
    started = true;
    wake();
    await idle();
    return rows.length;
  }

  /** Resolves when the current run and every lane it started have finished. */
  async function idle(): Promise<void> {
    while (running || lanes.size) await Promise.all([running, ...lanes.values()]);
  }

  return {
    recover,
    wake,
    /** Claims once and waits for the lanes it started (tests drive the worker with it). */
    async runOnce(): Promise<number> {
      const n = await runOnce();
      await Promise.all(lanes.values());
      return n;
    },
    idle,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await idle();
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
