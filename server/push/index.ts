/**
 * @module server/push — Web Push (RFC 8030), so a recruiter whose inbox is closed is still alerted of an aspirant's
 * message: the server's VAPID identity (./vapid, RFC 8292), the subscriptions browsers hand in (./subscription,
 * ./store), and the alerts sent after each commit (./notifier, encrypted per RFC 8291). Opt-in only: nothing is sent
 * to anyone without a subscription, and a subscription lasts as long as the sign-in that made it.
 */
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { createPushNotifier, type NotifierOptions, type PushNotifier } from './notifier';
import { deleteSubscription, saveSubscription, type Owner } from './store';
import { checkEndpoint, parseSubscription, type EndpointRules } from './subscription';
import { resolveVapid } from './vapid';

export { SubscriptionTakenError } from './store';
export { InvalidSubscriptionError } from './subscription';

/**
 * Tests' settings: a fake push service (on loopback http, or standing in for the internet: `testNetwork`), the
 * resolver endpoints' hosts are looked up with, the clock, and the notifier's limits.
 */
export interface PushOptions
  extends EndpointRules, Pick<NotifierOptions, 'concurrency' | 'perOrigin' | 'perUser' | 'maxQueued' | 'maxQueuedPerUser' | 'timeoutMs' | 'ttlSeconds' | 'resolve' | 'clock' | 'testNetwork'> {}

export interface PushService extends Pick<PushNotifier, 'changed' | 'idle' | 'stats' | 'stop'> {
  /** The VAPID public key (base64url, 65 bytes) browsers subscribe with. */
  readonly publicKey: string;
  /**
   * Stores (or refreshes) the browser's subscription for the signed-in user and her session.
   * @throws InvalidSubscriptionError (422) for anything that is not a browser's subscription to a push service;
   * SubscriptionTakenError (409) for an endpoint another user subscribed with other keys.
   */
  subscribe(owner: Owner, input: unknown): Promise<void>;
  /** Removes the user's subscription of `endpoint`; false when there was none. */
  unsubscribe(userId: number, endpoint: unknown): Promise<boolean>;
}

/**
 * Web Push, or undefined (logged) when the server has no VAPID key pair: none in the environment and a data folder
 * it cannot write. Everything else works without it; the inbox's own alerts still show while it is open.
 */
export function createPush(deps: { config: Config; db: Db; logger: Logger; options?: PushOptions }): PushService | undefined {
  const { config, db, logger, options = {} } = deps;
  let vapid;
  try {
    vapid = resolveVapid(config);
  } catch (error) {
    logger.error('Web Push is off: no VAPID key pair (set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or let the server write vapid.json in WASAP_DATA_DIR)', { err: error as Error });
    return undefined;
  }
  const notifier = createPushNotifier({ db, vapid, logger, ...options });
  const rules: EndpointRules = { allowLoopbackHttp: options.allowLoopbackHttp };
  return {
    publicKey: vapid.publicKey,
    changed: notifier.changed,
    idle: notifier.idle,
    stats: notifier.stats,
    stop: notifier.stop,
    async subscribe(owner, input) {
      await saveSubscription(db, owner, parseSubscription(input, rules), vapid.publicKey);
      notifier.subscribed();
    },
    async unsubscribe(userId, endpoint) {
      const removed = await deleteSubscription(db, userId, checkEndpoint(endpoint, rules));
      if (removed) notifier.unsubscribed();
      return removed;
    },
  };
}
