/**
 * @module server/push/notifier — after an aspirant's message commits, alerts every subscribed device of a user who
 * may see the conversation. All of it runs off the commit path: `changed` only queues, and never throws; who to
 * alert is read in batches (server/db/batcher); the POSTs run a few at a time, each with a timeout, behind a bounded
 * queue. A subscription the push service says is gone (404/410) is deleted; other failures are logged and dropped
 * (the message itself is in the inbox, and the next one alerts again).
 */
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent, InboundReceived } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { createBatcher } from '../db/batcher';
import { conversationRow, toRowView, type RowRecord } from '../db/queries/inbox';
import type { Logger } from '../logger';
import { deliver } from './deliver';
import { createLimiter } from './limiter';
import { pushPayload } from './message';
import { deleteSubscriptionById, markDelivered, recipientsOf, type Recipient } from './store';
import type { Vapid } from './vapid';

export interface NotifierOptions {
  db: Db;
  vapid: Vapid;
  logger: Logger;
  /** POSTs in flight at once (default 8). */
  concurrency?: number;
  /** POSTs waiting beyond those; past it alerts are dropped and logged (default 10,000). */
  maxQueued?: number;
  /** Milliseconds a push service has to answer (default 10 s). */
  timeoutMs?: number;
  /** How long a push service keeps an alert for a device that is off, in seconds (default 12 h: a working day). */
  ttlSeconds?: number;
  /** The clock sessions are checked against (default the real one, as sign-in uses). */
  now?: () => Date;
}

/** last_success_at is written at most this often per subscription: not one UPDATE per alert. */
const MARK_EVERY_MS = 3_600_000;

/** The Topic of a conversation's alerts (RFC 8030 §5.4): a newer one replaces one still waiting at the push service. */
export function topicOf(conversationId: number): string {
  return `conv-${conversationId}`;
}

export function createPushNotifier(options: NotifierOptions) {
  const { db, vapid, logger } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ttlSeconds = options.ttlSeconds ?? 12 * 3600;
  const posts = createLimiter(options.concurrency ?? 8, options.maxQueued ?? 10_000);
  const stopping = new AbortController();
  const fanOuts = new Set<Promise<void>>();
  const recipients = createBatcher<number, Recipient[]>({
    one: async (id) => (await recipientsOf(db, [id], now())).get(id) ?? [],
    many: async (ids) => {
      const found = await recipientsOf(db, ids, now());
      return ids.map((id) => found.get(id) ?? []);
    },
    concurrency: 1,
    maxBatch: 200,
  });

  async function post(to: Recipient, payload: string, conversationId: number): Promise<void> {
    if (stopping.signal.aborted) return;
    const where = { subscriptionId: to.subscriptionId, userId: to.userId, conversationId, pushService: new URL(to.endpoint).host };
    if (to.vapidKey !== vapid.publicKey) {
      logger.warn('push not sent: the subscription was made for another VAPID key (processes sharing this database need the same VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)', where);
      return;
    }
    const delivery = await deliver(to, payload, { vapid, ttlSeconds, topic: topicOf(conversationId), timeoutMs, signal: stopping.signal });
    if (delivery.outcome === 'delivered') {
      if (!to.lastSuccessAt || now().getTime() - to.lastSuccessAt.getTime() >= MARK_EVERY_MS) await markDelivered(db, to.subscriptionId, now());
    } else if (delivery.outcome === 'gone') {
      await deleteSubscriptionById(db, to.subscriptionId);
      logger.info('push subscription gone: deleted', { ...where, status: delivery.status });
    } else if (!stopping.signal.aborted) {
      logger.warn('push not delivered', { ...where, status: delivery.status, reason: delivery.reason });
    }
  }

  async function fanOut(conversationId: number, readBack: RowRecord | undefined, event: InboundReceived): Promise<void> {
    const to = await recipients.submit(conversationId);
    if (to.length === 0 || stopping.signal.aborted) return;
    const name = readBack ? toRowView(readBack).name : (await conversationRow(db, conversationId))?.name;
    if (name === undefined) return;
    let dropped = 0;
    for (const recipient of to) {
      const payload = JSON.stringify(pushPayload(recipient.locale, conversationId, name, event));
      const queued = posts.run(() =>
        post(recipient, payload, conversationId).catch((error: unknown) => logger.error('push failed', { err: error as Error, conversationId, subscriptionId: recipient.subscriptionId })),
      );
      if (!queued) dropped++;
    }
    if (dropped > 0) logger.warn('push dropped: too many alerts waiting for their push services', { conversationId, dropped });
  }

  async function idle(): Promise<void> {
    while (fanOuts.size > 0) await Promise.all([...fanOuts]);
    await posts.idle();
  }

  return {
    /**
     * The after-commit hook: an applied `inbound.received` that created a message alerts; anything else is ignored.
     * Returns at once and never throws.
     */
    changed(conversationId: number, result: CommitResult<RowRecord>, event: ConversationEvent): void {
      if (event.type !== 'inbound.received' || !result.applied || Object.keys(result.messageIds).length === 0 || stopping.signal.aborted) return;
      const running = fanOut(conversationId, result.readBack, event)
        .catch((error: unknown) => logger.error('push failed', { err: error as Error, conversationId }))
        .finally(() => fanOuts.delete(running));
      fanOuts.add(running);
    },
    /** Resolves once every alert started so far has been answered, has failed, or was dropped. */
    idle,
    /** Takes no new alerts, aborts the POSTs in flight and waits for their bookkeeping (before the database closes). */
    async stop(): Promise<void> {
      stopping.abort();
      await idle();
    },
  };
}

export type PushNotifier = ReturnType<typeof createPushNotifier>;
