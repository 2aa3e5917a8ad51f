/**
 * @module server/jobs/outbox-send — one send of a claimed outbox row, paced to the account's rate, and what its
 * answer means for the row: sent, failed for good, retried later, or in doubt (`unconfirmed`, looked up before any
 * resend because Twilio does not deduplicate).
 */
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OutboxSender } from '../whatsapp/port';
import type { ClaimedRow } from './outbox-claim';
import { providerClassifier } from '../whatsapp/send-errors';
import type { GiveUpPolicy, OutboxLedger } from './outbox-ledger';
import type { JobContext } from './runner';
import { createSendPace } from './send-pace';

export interface OutboxSendOptions {
  sender: OutboxSender;
  ledger: OutboxLedger;
  policy: GiveUpPolicy;
  logger: Logger;
  metrics: Metrics;
  /** Messages per second at most (the provider's per-number rate: TWILIO_MAX_MPS, META_MAX_MPS). */
  maxMps: number;
  /** Delay before retry `attempt` after a failure the provider did not take the message in (refused connection, 429). */
  backoff(attempt: number): number;
  /** How long after an ambiguous send the provider is asked whether it has the message. */
  reconcileAfterMs: number;
  /** This process's part of the number's rate (several processes: shards owned ÷ 256; server/jobs/send-pace). */
  share?: () => number;
  /**
   * Several processes: whether the row's conversation is still this process's to send for, asked right before the
   * request (after the pace's wait, which can be long); false puts the row back unsent (`unclaim`).
   */
  mayCall?(row: ClaimedRow): Promise<boolean>;
  unclaim?(row: ClaimedRow): Promise<void>;
}

/** The send step for a claimed row (`pending` → `sending` by the claim); resolves once the row's next state is written. */
export function createOutboxSend(options: OutboxSendOptions) {
  const { sender, ledger, policy, logger, backoff } = options;
  const classify = providerClassifier(sender);
  const retried = options.metrics.counter('wasap_outbox_retried_total', 'Outbound send attempts that will be retried');
  const unconfirmed = options.metrics.counter('wasap_outbox_unconfirmed_total', 'Sends whose outcome was unknown (timeout, dropped connection, 5xx, crash), reconciled before any resend');
  // At most maxMps sends start in any second, across every lane (server/jobs/send-pace).
  const pace = createSendPace(options.maxMps, undefined, options.share);

  return async function sendOne(ctx: JobContext, row: ClaimedRow): Promise<void> {
    if (row.optedOut) return ledger.fail(ctx, row, 'The aspirant opted out before this message was sent.');
    await pace.admit();
    if (options.mayCall && !(await options.mayCall(row))) return options.unclaim?.(row);
    let sid: string;
    try {
      const result = await sender.send({
        to: row.toNumber,
        body: row.body ?? undefined,
        ...(row.templateRef ? { template: { ref: row.templateRef, variables: (row.templateVariables as Record<string, string> | null) ?? undefined } } : {}),
        mediaUrl: row.mediaUrls ?? undefined,
        idempotencyKey: row.idempotencyKey,
      });
      sid = result.sid;
    } catch (error) {
      const e = classify(error);
      if (e.ambiguous) {
        unconfirmed.inc();
        logger.warn('send outcome unknown; it will be looked up before any resend', { outboxId: row.id, attempt: row.attempts, providerCode: e.providerCode, reason: e.reason });
        await ledger.setRow(ctx, row, 'unconfirmed', { state: 'unconfirmed', lastError: e.reason, nextAttemptAt: new Date(Date.now() + options.reconcileAfterMs) });
        return;
      }
      if (e.permanent) return ledger.fail(ctx, row, e.reason, e.providerCode);
      if (policy.expired(row)) return ledger.fail(ctx, row, policy.gaveUp(row, e.reason), e.providerCode);
      retried.inc();
      const delay = backoff(row.attempts);
      logger.warn('send failed; will retry', { outboxId: row.id, attempt: row.attempts, retryInMs: delay, providerCode: e.providerCode, reason: e.reason });
      await ledger.setRow(ctx, row, 'retry', { state: 'pending', lastError: e.reason, nextAttemptAt: new Date(Date.now() + delay) });
      return;
    }
    await ledger.succeed(ctx, row, sid);
  };
}
