/** @module server/whatsapp/outbox-worker — sends outbox rows: claimed in order, rate-limited, retried with backoff, never sent twice. */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import { aspirants, messages, outbox } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { TwilioSender } from './twilio-sender';

/** Anything that sends one message: the Twilio sender or the simulator. */
export type Sender = TwilioSender;

/** What the worker tells the conversation's actor once a row's fate is known. */
export type SendOutcome =
  | { type: 'outbox.sent'; messageId: number; providerSid: string }
  | { type: 'outbox.failed'; messageId: number; errorCode?: number; reason: string };

export interface OutboxWorkerOptions {
  db: Db;
  sender: Sender;
  notify(key: string, outcome: SendOutcome): void;
  logger: Logger;
  metrics: Metrics;
  maxMps?: number;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  /** How often due retries are looked for when nothing wakes the worker. */
  pollMs?: number;
  batchSize?: number;
}

type Row = typeof outbox.$inferSelect;

interface SendErrorLike {
  permanent?: boolean;
  providerCode?: number;
  reason?: string;
  message?: string;
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db, sender, logger } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoffMs ?? exponentialBackoff({ baseMs: 1000, capMs: 5 * 60_000 });
  const minGapMs = 1000 / (options.maxMps ?? 10);
  const sent = options.metrics.counter('wasap_outbox_sent_total', 'Outbound messages accepted by the provider');
  const failed = options.metrics.counter('wasap_outbox_failed_total', 'Outbound messages that failed permanently');
  const retried = options.metrics.counter('wasap_outbox_retried_total', 'Outbound send attempts that will be retried');
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let nextSlot = 0;
  const timer = setInterval(wake, options.pollMs ?? 1000);
  timer.unref();

  /**
   * A crash between "sending" and its outcome leaves rows marked sending. Twilio does not dedupe sends,
   * so each is first looked up among the number's recent messages: found → recorded as sent; not found
   * → queued again (with the same idempotency key).
   */
  async function recover(): Promise<number> {
    const rows = await db.select().from(outbox).where(eq(outbox.state, 'sending')).orderBy(asc(outbox.id));
    for (const row of rows) {
      const found = await lookUp(row);
      if (found === 'unknown') continue;
      if (found) await succeed(row, found);
      else await db.update(outbox).set({ state: 'pending' }).where(eq(outbox.id, row.id));
    }
    if (rows.length) logger.warn('outbox rows interrupted while sending were reconciled', { count: rows.length });
    return rows.length;
  }

  /** 'unknown' when Twilio could not be asked: the row stays "sending" and is reconciled at the next start, never sent blind. */
  async function lookUp(row: Row): Promise<string | null | 'unknown'> {
    if (!sender.findSent) return null;
    try {
      const found = await sender.findSent({ to: row.toNumber, body: row.body ?? undefined, contentSid: row.contentSid ?? undefined, since: row.createdAt });
      if (!found) return null;
      // The same text may have gone out for another row: a sid already recorded elsewhere is not this row's.
      const [taken] = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.providerSid, found.sid)).limit(1);
      return taken ? null : found.sid;
    } catch (error) {
      logger.warn('could not reconcile an interrupted send; it will be checked again at the next start', { outboxId: row.id, err: error as Error });
      return 'unknown';
    }
  }

  async function claim(): Promise<(Row & { optedOut: boolean })[]> {
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, new Date())))
      .orderBy(asc(outbox.id))
      .limit(options.batchSize ?? 100)
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(outbox)
      .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning();
    if (claimed.length === 0) return [];
    const out = await db
      .select({ whatsappId: aspirants.whatsappId })
      .from(aspirants)
      .where(and(inArray(aspirants.whatsappId, [...new Set(claimed.map((r) => r.toNumber))]), sql`${aspirants.optedOutAt} is not null`));
    const optedOut = new Set(out.map((r) => r.whatsappId));
    return claimed.sort((a, b) => a.id - b.id).map((row) => ({ ...row, optedOut: optedOut.has(row.toNumber) }));
  }

  async function pace(): Promise<void> {
    const now = performance.now();
    const wait = nextSlot - now;
    nextSlot = Math.max(now, nextSlot) + minGapMs;
    if (wait > 0) await Bun.sleep(wait);
  }

  async function succeed(row: Row, sid: string): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.update(outbox).set({ state: 'sent', providerSid: sid, sentAt: new Date(), lastError: null }).where(eq(outbox.id, row.id));
      await tx.update(messages).set({ providerSid: sid, updatedAt: new Date() }).where(eq(messages.id, row.messageId));
    });
    sent.inc();
    options.notify(row.toNumber, { type: 'outbox.sent', messageId: row.messageId, providerSid: sid });
  }

  async function fail(row: Row, reason: string, errorCode?: number): Promise<void> {
    await db.update(outbox).set({ state: 'failed', lastError: reason }).where(eq(outbox.id, row.id));
    failed.inc();
    options.notify(row.toNumber, { type: 'outbox.failed', messageId: row.messageId, errorCode, reason });
  }

  async function sendOne(row: Row & { optedOut: boolean }): Promise<void> {
    if (row.optedOut) return fail(row, 'The aspirant opted out before this message was sent.');
    await pace();
    try {
      const result = await sender.send({
        to: row.toNumber,
        body: row.body ?? undefined,
        contentSid: row.contentSid ?? undefined,
        contentVariables: (row.contentVariables as Record<string, string> | null) ?? undefined,
        mediaUrl: row.mediaUrls ?? undefined,
        idempotencyKey: row.idempotencyKey,
      });
      await succeed(row, result.sid);
    } catch (error) {
      const e = error as SendErrorLike;
      const reason = e.reason ?? e.message ?? String(error);
      if (e.permanent || row.attempts >= maxAttempts) return fail(row, reason, e.providerCode);
      retried.inc();
      const delay = backoff(row.attempts);
      logger.warn('send failed; will retry', { outboxId: row.id, attempt: row.attempts, retryInMs: delay, reason });
      await db.update(outbox).set({ state: 'pending', lastError: reason, nextAttemptAt: new Date(Date.now() + delay) }).where(eq(outbox.id, row.id));
    }
  }

  /** Rows of one conversation go out in order; conversations proceed side by side. */
  async function runOnce(): Promise<number> {
    const rows = await claim();
    const byConversation = new Map<number, (Row & { optedOut: boolean })[]>();
    for (const row of rows) byConversation.set(row.conversationId, [...(byConversation.get(row.conversationId) ?? []), row]);
    await Promise.all(
      [...byConversation.values()].map(async (queue) => {
        for (const row of queue) await sendOne(row);
      }),
    );
    return rows.length;
  }

  function wake(): void {
    if (stopped) return;
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
          logger.error('outbox run failed', { err: error as Error });
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  return {
    recover,
    wake,
    runOnce,
    /** Resolves when the current run (if any) has finished. */
    idle: () => running ?? Promise.resolve(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
