/**
 * @module server/jobs/outbox — the outbox queue: sends outbox rows, claimed in order, rate-limited, retried with
 * backoff, never sent twice.
 *
 * Each conversation's rows go out in order in a lane of their own, so one slow or hung request holds back only its
 * own conversation. A send whose outcome is unknown (timeout, dropped connection, 5xx, a crash mid-send) becomes
 * `unconfirmed` and is reconciled — looked up among the recipient's recent messages at the provider — before any
 * resend, because Twilio does not deduplicate. What must be written after a send (sent, failed, retry) is retried
 * as bookkeeping while the database is unreachable, never as a new send. The rows are the jobs: their state and
 * `next_attempt_at` are the schedule (outbox-claim), their transitions compare-and-set (outbox-ledger).
 */
import { SHARD_COUNT } from '../cluster/shard';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OutboxSender } from '../whatsapp/port';
import { createOutboxClaim, type ClaimedRow } from './outbox-claim';
import { createOutboxLedger, giveUpPolicy, type SendOutcome } from './outbox-ledger';
import { createOutboxReconciler } from './outbox-reconcile';
import { createOutboxSend } from './outbox-send';
import type { JobRunner, QueueHandle } from './runner';

export type { SendOutcome } from './outbox-ledger';

/** Anything that sends one message: a provider (Twilio, Meta, the simulator) or a test's stand-in. */
export type Sender = OutboxSender;

export interface OutboxQueueOptions {
  db: Db;
  sender: Sender;
  notify(key: string, outcome: SendOutcome): void;
  logger: Logger;
  metrics: Metrics;
  /** Who sends, as a give-up reason names it (`Twilio`, `Meta`); default "the provider". */
  providerLabel?: string;
  /** Messages per second at most (default 10). */
  maxMps?: number;
  /**
   * How long a message keeps being retried while Twilio is unreachable or failing (default 24 h: WhatsApp's
   * customer-service window, after which free text could not go out anyway). Refusals fail it at once.
   */
  giveUpAfterMs?: number;
  backoffMs?: (attempt: number) => number;
  /** How often due retries are looked for when nothing wakes the queue (default 1 s). */
  pollMs?: number;
  /** Rows claimed at once, and in flight at most (default: outboxInFlight(maxMps)). */
  batchSize?: number;
  /** How long after an ambiguous send the provider is asked whether it has the message (default 5 s). */
  reconcileAfterMs?: number;
  /**
   * Several processes (server/cluster): only rows of conversations owned here are claimed, and a send goes out only
   * while its shard's lease is held and was renewed within the lease (`mayCall(key)`, which may wait for a renewal;
   * 'no': the row is left 'sending' for whoever owns the shard to look up before any resend).
   */
  cluster?: { owned(): number[]; mayCall(key: string): Promise<'yes' | 'no'> };
  /** The provider's request timeout (ms, default 8,000): a send older than this plus 2 s can no longer be answered. */
  sendTimeoutMs?: number;
}

/**
 * Sends in flight at most for a rate of `maxMps`: by Little's law, keeping `maxMps` sends a second going while each
 * waits up to about half a second for the provider's answer (Twilio's API typically answers a create in 0.1–0.5 s)
 * takes `maxMps × 0.5` in flight; never fewer than 100. At 100 in flight and 1,000 messages/s allowed, the rate
 * reached was 100 ÷ the answer time — a third of it at 0.3 s.
 */
export function outboxInFlight(maxMps: number): number {
  return Math.max(100, Math.ceil(maxMps * 0.5));
}

/**
 * Adds the outbox queue to `runner`. Its recovery (at start, and `recover()`) puts the rows a crash left 'sending'
 * in doubt and resolves once they are settled; nothing is claimed before it has run.
 */
export function createOutboxQueue(runner: JobRunner, options: OutboxQueueOptions): QueueHandle & { adopt(shards: number[]): Promise<void> } {
  const { db, sender, logger, metrics } = options;
  const backoff = options.backoffMs ?? exponentialBackoff({ baseMs: 1000, capMs: 5 * 60_000 });
  const policy = giveUpPolicy(options.giveUpAfterMs ?? 24 * 60 * 60_000, options.providerLabel);
  const batchSize = options.batchSize ?? outboxInFlight(options.maxMps ?? 10);
  const inFlightMs = (options.sendTimeoutMs ?? 8000) + 2000;
  const claims = createOutboxClaim({ db, logger, batchSize, owned: options.cluster?.owned, inFlightMs });
  const ledger = createOutboxLedger({ db, logger, metrics, notify: options.notify, onInDoubt: (dueAt) => claims.inDoubt(dueAt) });
  const reconcile = createOutboxReconciler({ db, sender, ledger, policy, logger, metrics });
  const { cluster } = options;
  const send = createOutboxSend({
    sender,
    ledger,
    policy,
    logger,
    metrics,
    maxMps: options.maxMps ?? 10,
    // The provider's limit is the number's, shared by every process sending for it: each takes its shards' part.
    share: cluster ? () => cluster.owned().length / SHARD_COUNT : undefined,
    mayCall: cluster ? async (row) => (await cluster.mayCall(row.toNumber)) === 'yes' : undefined,
    unclaim: (row) => claims.unclaim(row),
    backoff,
    reconcileAfterMs: options.reconcileAfterMs ?? 5000,
  });

  const handle = runner.add<ClaimedRow>({
    name: 'outbox',
    limit: batchSize,
    pollMs: options.pollMs ?? 1000,
    claim: claims.claim,
    lane: (row) => row.conversationId,
    async perform(row, ctx) {
      if (row.state !== 'unconfirmed') return send(ctx, row);
      // A look-up may lead to a send too. Either way, when the shard moved nothing was sent: the row goes back as it
      // was before this claim, for whoever owns its shard now (a compare-and-set: only from the state this claim put
      // it in). A send asks again right before its request, after the pace's wait (server/jobs/outbox-send).
      if (options.cluster && (await options.cluster.mayCall(row.toNumber)) === 'no') return claims.unclaim(row);
      return reconcile(ctx, row);
    },
    backoff,
    waitBackoff: exponentialBackoff({ baseMs: 100, capMs: 1000 }),
    maxAttempts: Number.POSITIVE_INFINITY,
    // A job that threw may have sent: its row is put in doubt and looked up before anything is sent again.
    async retry(row, error, delayMs, ctx) {
      logger.error('outbox job failed; the row is reconciled before any resend', { outboxId: row.id, err: error as Error });
      await ledger.setRow(ctx, row, 'in doubt after an error', { state: 'unconfirmed', lastError: (error as Error).message ?? String(error), nextAttemptAt: new Date(Date.now() + delayMs) });
    },
    recover: claims.markInDoubt,
    settleRecovery: true,
    claimFailed: claims.claimFailed,
  });
  return { ...handle, adopt: (shards: number[]) => claims.adopt(shards) };
}
