/**
 * @module server/jobs/outbox-reconcile — an `unconfirmed` row (a send whose outcome is unknown: timeout, dropped
 * connection, 5xx, a crash mid-send) is looked up among the recipient's recent messages at the provider before any
 * resend, because providers do not deduplicate sends (Twilio's idempotency token is best effort; Meta has none).
 */
import { and, eq, ne } from 'drizzle-orm';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OutboxSender } from '../whatsapp/port';
import { providerClassifier } from '../whatsapp/send-errors';
import type { GiveUpPolicy, OutboxLedger, OutboxRow } from './outbox-ledger';
import type { JobContext } from './runner';

export interface OutboxReconcileOptions {
  db: Db;
  sender: OutboxSender;
  ledger: OutboxLedger;
  policy: GiveUpPolicy;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The reconciliation step for an `unconfirmed` row: asks the provider (`findSent`, a list of the recipient's recent
 * messages), never sends. A look-up that fails is asked again later (5 s doubling, capped at 5 min).
 */
export function createOutboxReconciler(options: OutboxReconcileOptions) {
  const { db, sender, ledger, policy, logger } = options;
  const classify = providerClassifier(sender);
  const reconciled = options.metrics.counter('wasap_outbox_reconciled_total', 'Reconciliations of unconfirmed sends, by what the provider said', ['outcome'] as const);
  const lookupBackoff = exponentialBackoff({ baseMs: 5000, capMs: 5 * 60_000 });
  const lookupFailures = new Map<number, number>();

  /**
   * The sid of this row's message at the provider, null when the provider does not have it, or why it could not be
   * asked (`permanent`: asking again will not help, e.g. an API key without read access). Never sends.
   */
  async function lookUp(row: OutboxRow): Promise<string | null | { unknown: string; permanent: boolean }> {
    if (!sender.findSent) return null;
    try {
      const found = await sender.findSent({
        to: row.toNumber,
        body: row.body ?? undefined,
        templateRef: row.templateRef ?? undefined,
        idempotencyKey: row.idempotencyKey,
        since: row.createdAt,
        attemptedAt: row.attemptedAt ?? row.createdAt,
      });
      if (!found) return null;
      // The same text may have gone out for another row: a sid recorded on another row is not this row's.
      const [taken] = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.providerSid, found.sid), ne(outbox.id, row.id)))
        .limit(1);
      return taken ? null : found.sid;
    } catch (error) {
      const e = classify(error);
      logger.warn('could not reconcile an unconfirmed send', { outboxId: row.id, permanent: e.permanent, reason: e.reason });
      return { unknown: e.reason, permanent: e.permanent };
    }
  }

  /** Asks the provider about an unconfirmed row: found → recorded as sent; not found → queued again (same idempotency key). */
  return async function reconcile(ctx: JobContext, row: OutboxRow): Promise<void> {
    const found = await lookUp(row);
    if (found !== null && typeof found === 'object') {
      // Not knowing is not a reason to send again: it stays in doubt, and after the give-up window (or at once when
      // asking can never work) it fails with a reason that tells the recruiter to check before sending it again.
      if (found.permanent || policy.expired(row)) {
        lookupFailures.delete(row.id);
        return ledger.fail(ctx, row, `The provider may have delivered this message, but it could not be checked (${found.unknown}); ask the aspirant before sending it again`);
      }
      const n = (lookupFailures.get(row.id) ?? 0) + 1;
      lookupFailures.set(row.id, n);
      await ledger.setRow(ctx, row, 'lookup failed', { nextAttemptAt: new Date(Date.now() + lookupBackoff(n)) });
      return;
    }
    lookupFailures.delete(row.id);
    reconciled.inc({ outcome: found ? 'found' : 'not_found' });
    if (found) return ledger.succeed(ctx, row, found);
    if (policy.expired(row)) return ledger.fail(ctx, row, policy.gaveUp(row, row.lastError));
    await ledger.setRow(ctx, row, 'not found', { state: 'pending', nextAttemptAt: new Date() });
  };
}
