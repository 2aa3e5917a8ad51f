/**
 * @module server/push/notifier — after an aspirant's message commits, alerts every subscribed device of a user who
 * may see the conversation. All of it runs off the commit path: `changed` only queues, and never throws; while no
 * subscription exists at all a commit costs nothing (the answer is kept SUBSCRIPTIONS_RECHECK_MS); who to alert is
 * read in batches (server/db/batcher); the POSTs run fairly (./limiter: a few at a time, at most two per push service
 * and two per user, users in turn), each with a timeout, behind bounded queues. Before each POST the endpoint's host
 * is resolved and must be public (./address), and the POST goes to those very addresses (./deliver). A subscription
 * is deleted, and its waiting alerts dropped, when its host resolves inside the network, when its push service says
 * it is gone (404/410), or after MAX_CONSECUTIVE_TIMEOUTS unanswered alerts in a row; other failures are logged and
 * dropped (the message itself is in the inbox, and the next one alerts again).
 */
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent, InboundReceived } from '../../actors/conversation/types';
import type { Db } from '../db/client';
import { createBatcher } from '../db/batcher';
import { conversationRow, toRowView, type RowRecord } from '../db/queries/inbox';
import type { Logger } from '../logger';
import { systemResolve, vetHost, type Resolve, type ResolvedAddress, type Vetting } from './address';
import { createTransport, deliver, type TestNetwork } from './deliver';
import { createLimiter } from './limiter';
import { pushPayload } from './message';
import { anySubscription, deleteSubscriptionById, markDelivered, recipientsOf, type Recipient } from './store';
import { LOOPBACK_HTTP } from './subscription';
import type { Vapid } from './vapid';

export interface NotifierOptions {
  db: Db;
  vapid: Vapid;
  logger: Logger;
  /** POSTs in flight at once in all (default 8). */
  concurrency?: number;
  /** POSTs in flight at once to one push service, by origin (default 2): a service that hangs holds no more than these. */
  perOrigin?: number;
  /** POSTs in flight at once to one user's devices (default 2): her slow or dead endpoints hold no more than these. */
  perUser?: number;
  /** POSTs waiting in all; past it alerts are dropped and logged (default 10,000). */
  maxQueued?: number;
  /** POSTs waiting for one user; past it her alerts are dropped and logged (default 500: 100 alerts to 5 devices). */
  maxQueuedPerUser?: number;
  /** Milliseconds a push service has to answer, name lookup included (default 10 s). */
  timeoutMs?: number;
  /** How long a push service keeps an alert for a device that is off, in seconds (default 12 h: a working day). */
  ttlSeconds?: number;
  /** The clock sessions are checked against (default the real one, as sign-in uses). */
  now?: () => Date;
  /** Resolves an endpoint's host before each POST (default the system's, node:dns/promises lookup, every address). */
  resolve?: Resolve;
  /** Milliseconds on a monotonic clock, for how fresh the "any subscription at all?" answer is (default performance.now). */
  clock?: () => number;
  /** Tests only (EndpointRules.allowLoopbackHttp): `http://127.0.0.1:<port>` endpoints go to that socket, no lookup. */
  allowLoopbackHttp?: boolean;
  /** Tests only: a fake push service standing in for the internet (./deliver TestNetwork). */
  testNetwork?: TestNetwork;
}

/** last_success_at is written at most this often per subscription: not one UPDATE per alert. */
const MARK_EVERY_MS = 3_600_000;

/**
 * A subscription whose push service gives no answer in time this many alerts in a row is deleted: a dead or
 * hostile endpoint stops costing a slot and a timeout per alert. A real browser subscribes again at its user's next
 * inbox visit (views/assets/push.js), so a push service that was only down for a while loses nothing for long.
 */
export const MAX_CONSECUTIVE_TIMEOUTS = 3;

/**
 * How long "is there any subscription at all?" is trusted, in ms: while there is none, commits cost no read. A
 * subscription made in this process is seen at once; one made by another process sharing the database, within this.
 */
export const SUBSCRIPTIONS_RECHECK_MS = 5_000;

/** Subscriptions deleted by this process that it remembers, so each is logged once (ids are never reused). */
const FORGOTTEN_KEPT = 10_000;

/** The Topic of a conversation's alerts (RFC 8030 §5.4): a newer one replaces one still waiting at the push service. */
export function topicOf(conversationId: number): string {
  return `conv-${conversationId}`;
}

class LookupTimeout extends Error {}

/** `work`, or a LookupTimeout after `ms`, or an abort: a resolver that hangs must not hold a slot past the timeout. */
function within<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  const { promise, reject } = Promise.withResolvers<never>();
  const timer = setTimeout(() => reject(new LookupTimeout(`no answer within ${ms} ms`)), ms);
  const abort = () => reject(new Error('aborted'));
  signal.addEventListener('abort', abort, { once: true });
  return Promise.race([work, promise]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  });
}

export function createPushNotifier(options: NotifierOptions) {
  const { db, vapid, logger } = options;
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? (() => performance.now());
  const resolve = options.resolve ?? systemResolve;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ttlSeconds = options.ttlSeconds ?? 12 * 3600;
  const posts = createLimiter({
    concurrency: options.concurrency ?? 8,
    perOrigin: options.perOrigin ?? 2,
    perUser: options.perUser ?? 2,
    maxQueued: options.maxQueued ?? 10_000,
    maxQueuedPerUser: options.maxQueuedPerUser ?? 500,
  });
  const transport = createTransport();
  const stopping = new AbortController();
  const fanOuts = new Set<Promise<void>>();
  /** Timeouts in a row, per subscription id (an answer of any kind resets it). */
  const timeouts = new Map<number, number>();
  const forgotten = new Set<number>();
  const counts = { subscriptionChecks: 0 };
  const recipients = createBatcher<number, Recipient[]>({
    one: async (id) => (await recipientsOf(db, [id], now())).get(id) ?? [],
    many: async (ids) => {
      const found = await recipientsOf(db, ids, now());
      return ids.map((id) => found.get(id) ?? []);
    },
    concurrency: 1,
    maxBatch: 200,
  });

  // Whether push_subscriptions has any row, and when that was learnt. `version` moves on each subscribe or
  // unsubscribe here, so a check that started before one does not overwrite what it changed.
  let known: { any: boolean; at: number } | undefined;
  let checking: Promise<boolean> | undefined;
  let version = 0;

  function anySubscriptionNow(): Promise<boolean> {
    if (known && clock() - known.at < SUBSCRIPTIONS_RECHECK_MS) return Promise.resolve(known.any);
    if (checking) return checking;
    const started = version;
    counts.subscriptionChecks++;
    checking = anySubscription(db)
      .then((any) => {
        if (version === started) known = { any, at: clock() };
        return any || version !== started;
      })
      .finally(() => (checking = undefined));
    return checking;
  }

  /** Deletes the subscription (once) and logs why; its alerts still waiting are dropped. */
  async function forget(to: Recipient, message: string, fields: Record<string, unknown>): Promise<void> {
    if (forgotten.has(to.subscriptionId)) return;
    forgotten.add(to.subscriptionId);
    if (forgotten.size > FORGOTTEN_KEPT) forgotten.delete(forgotten.values().next().value!);
    posts.cancel(to.subscriptionId);
    timeouts.delete(to.subscriptionId);
    await deleteSubscriptionById(db, to.subscriptionId);
    logger.info(message, fields);
  }

  /** Counts a timeout; the MAX_CONSECUTIVE_TIMEOUTS-th in a row deletes the subscription. */
  async function timedOut(to: Recipient, where: Record<string, unknown>, reason: string): Promise<void> {
    const inARow = (timeouts.get(to.subscriptionId) ?? 0) + 1;
    if (inARow < MAX_CONSECUTIVE_TIMEOUTS) {
      timeouts.set(to.subscriptionId, inARow);
      logger.warn('push not delivered', { ...where, reason, timeoutsInARow: inARow });
      return;
    }
    await forget(to, `push subscription given up: its push service did not answer ${MAX_CONSECUTIVE_TIMEOUTS} times in a row; deleted (the browser subscribes again at its next inbox visit)`, {
      ...where,
      reason,
    });
  }

  /** Where `to`'s endpoint may be reached, or undefined when it may not (already handled: logged, maybe deleted). */
  async function addressesOf(to: Recipient, url: URL, where: Record<string, unknown>): Promise<ResolvedAddress[] | undefined> {
    if (options.allowLoopbackHttp && LOOPBACK_HTTP.test(to.endpoint)) {
      const address = url.hostname.replace(/^\[|\]$/g, '');
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    }
    let vetting: Vetting;
    try {
      vetting = await within(vetHost(url.hostname, resolve), timeoutMs, stopping.signal);
    } catch (error) {
      if (stopping.signal.aborted) return undefined;
      if (error instanceof LookupTimeout) await timedOut(to, where, `looking up the push service: ${error.message}`);
      else logger.warn('push not delivered', { ...where, reason: `looking up the push service: ${(error as Error).message}` });
      return undefined;
    }
    if (vetting.ok) return vetting.addresses;
    await forget(to, 'push endpoint refused: its host resolves to an internal address; subscription deleted', { ...where, address: vetting.address, reason: vetting.reason });
    return undefined;
  }

  async function post(to: Recipient, payload: string, conversationId: number): Promise<void> {
    if (stopping.signal.aborted || forgotten.has(to.subscriptionId)) return;
    const url = new URL(to.endpoint);
    const where = { subscriptionId: to.subscriptionId, userId: to.userId, conversationId, pushService: url.host };
    if (to.vapidKey !== vapid.publicKey) {
      logger.warn('push not sent: the subscription was made for another VAPID key (processes sharing this database need the same VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)', where);
      return;
    }
    const addresses = await addressesOf(to, url, where);
    if (!addresses || stopping.signal.aborted) return;
    const delivery = await deliver(to, payload, {
      vapid,
      ttlSeconds,
      topic: topicOf(conversationId),
      timeoutMs,
      signal: stopping.signal,
      addresses,
      transport,
      testNetwork: options.testNetwork,
    });
    if (delivery.outcome === 'failed' && delivery.timedOut) {
      if (!stopping.signal.aborted) await timedOut(to, where, delivery.reason);
      return;
    }
    timeouts.delete(to.subscriptionId);
    if (delivery.outcome === 'delivered') {
      if (!to.lastSuccessAt || now().getTime() - to.lastSuccessAt.getTime() >= MARK_EVERY_MS) await markDelivered(db, to.subscriptionId, now());
    } else if (delivery.outcome === 'gone') {
      await forget(to, 'push subscription gone: deleted', { ...where, status: delivery.status });
    } else if (!stopping.signal.aborted) {
      logger.warn('push not delivered', { ...where, status: delivery.status, reason: delivery.reason });
    }
  }

  async function fanOut(conversationId: number, readBack: RowRecord | undefined, event: InboundReceived): Promise<void> {
    if (!(await anySubscriptionNow())) return;
    const to = await recipients.submit(conversationId);
    if (to.length === 0 || stopping.signal.aborted) return;
    const name = readBack ? toRowView(readBack).name : (await conversationRow(db, conversationId))?.name;
    if (name === undefined) return;
    let dropped = 0;
    for (const recipient of to) {
      if (forgotten.has(recipient.subscriptionId)) continue;
      const payload = JSON.stringify(pushPayload(recipient.locale, conversationId, name, event));
      const lane = { userId: recipient.userId, origin: new URL(recipient.endpoint).origin, tag: recipient.subscriptionId };
      const queued = posts.run(lane, () =>
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
    /** A subscription was just stored by this process: the next commit reads who to alert. */
    subscribed(): void {
      version++;
      known = { any: true, at: clock() };
    },
    /** A subscription was just removed by this process: the next commit checks again whether any is left. */
    unsubscribed(): void {
      version++;
      known = undefined;
    },
    /** Resolves once every alert started so far has been answered, has failed, or was dropped. */
    idle,
    /** What the notifier read: `subscriptionChecks` ("any subscription at all?"), `recipientReads` (batched reads of who to alert). */
    stats: () => ({ subscriptionChecks: counts.subscriptionChecks, recipientReads: recipients.stats().batches }),
    /** Takes no new alerts, aborts the POSTs in flight and waits for their bookkeeping (before the database closes). */
    async stop(): Promise<void> {
      stopping.abort();
      await idle();
      transport.close();
    },
  };
}

export type PushNotifier = ReturnType<typeof createPushNotifier>;
