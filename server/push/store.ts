/** @module server/push/store — the push_subscriptions rows: save or refresh, remove, and who is to be alerted of a conversation. */
import { and, desc, eq, gt, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { conversations, pushSubscriptions, sessions, users } from '../db/schema';
import { AppError } from '../errors';
import type { Subscription } from './subscription';

/**
 * Devices one user may have subscribed at once: a person's browsers and phone — a desktop browser or two, a laptop,
 * a phone, a tablet. Past it the longest unrefreshed go (a browser refreshes on every inbox load, so the ones still
 * in use stay). More would only let one account multiply the POSTs every alert costs (each endpoint is a request,
 * and a slow push service holds a slot until its timeout).
 */
export const MAX_SUBSCRIPTIONS_PER_USER = 5;

/**
 * 409: the endpoint is already subscribed by another user with other keys. A browser that changes hands keeps its
 * endpoint and its keys, so it moves over; the same endpoint with other keys is not that browser, and taking it
 * would end someone else's alerts.
 */
export class SubscriptionTakenError extends AppError {
  override readonly code = 'PUSH_SUBSCRIPTION_TAKEN' as const;
  constructor() {
    super(
      'PUSH_SUBSCRIPTION_TAKEN',
      409,
      "This push endpoint is already subscribed by another user with other keys: send this browser's own PushSubscription (its endpoint with its p256dh and auth), or unsubscribe it in the browser and subscribe again.",
    );
  }
}

export interface Owner {
  userId: number;
  /** SHA-256 of the session cookie (sessions.token_hash): the subscription ends with this sign-in. */
  sessionTokenHash: string;
}

/** One device to alert of one conversation's new message, with what the message is written in. */
export interface Recipient {
  subscriptionId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  vapidKey: string;
  userId: number;
  /** users.locale: the language the alert is written in. */
  locale: string;
  lastSuccessAt: Date | null;
}

/**
 * Stores the subscription for this user and session, or takes over the row of the same endpoint when it is hers or
 * has the same keys (the same browser, signed in now as someone else: it belongs to whoever subscribed it last).
 * Then keeps her MAX_SUBSCRIPTIONS_PER_USER most recently refreshed.
 * @throws SubscriptionTakenError (409) when another user has the endpoint with other keys (nothing is changed).
 */
export async function saveSubscription(db: Db, owner: Owner, subscription: Subscription, vapidKey: string): Promise<void> {
  const fields = { userId: owner.userId, sessionTokenHash: owner.sessionTokenHash, p256dh: subscription.p256dh, auth: subscription.auth, vapidKey };
  // One statement, so two browsers racing for an endpoint cannot both pass the check.
  const saved = await db
    .insert(pushSubscriptions)
    .values({ ...fields, endpoint: subscription.endpoint })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { ...fields, updatedAt: sql`now()` },
      setWhere: or(eq(pushSubscriptions.userId, owner.userId), and(eq(pushSubscriptions.p256dh, subscription.p256dh), eq(pushSubscriptions.auth, subscription.auth))),
    })
    .returning({ id: pushSubscriptions.id });
  if (saved.length === 0) throw new SubscriptionTakenError();
  const kept = db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, owner.userId))
    .orderBy(desc(pushSubscriptions.updatedAt), desc(pushSubscriptions.id))
    .limit(MAX_SUBSCRIPTIONS_PER_USER);
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, owner.userId), notInArray(pushSubscriptions.id, kept)));
}

/** Removes this user's subscription of `endpoint`; false when she has none there. */
export async function deleteSubscription(db: Db, userId: number, endpoint: string): Promise<boolean> {
  const gone = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  return gone.length > 0;
}

/** The push service said the subscription is gone (404/410, RFC 8030 §7.3): it never comes back. */
export async function deleteSubscriptionById(db: Db, id: number): Promise<void> {
  await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

/** Whether any subscription exists at all (one index probe): with none, a commit has nobody to alert. */
export async function anySubscription(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).limit(1);
  return row !== undefined;
}

export async function markDelivered(db: Db, id: number, at: Date): Promise<void> {
  await db.update(pushSubscriptions).set({ lastSuccessAt: at }).where(eq(pushSubscriptions.id, id));
}

/**
 * For each conversation, the subscriptions to alert: those of users who may see it — the rule of visibleTo
 * (server/db/queries/inbox) and maySee (server/realtime/sockets): an admin, or anyone while it is unassigned, or its
 * assignee — who are not disabled and whose subscribing session is still valid at `now`. One statement for any
 * number of conversations (the ids travel as one JSON parameter, so its text, and its prepared plan, never change).
 */
export async function recipientsOf(db: Db, conversationIds: number[], now: Date): Promise<Map<number, Recipient[]>> {
  const rows = await db
    .select({
      conversationId: conversations.id,
      subscriptionId: pushSubscriptions.id,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
      vapidKey: pushSubscriptions.vapidKey,
      userId: users.id,
      locale: users.locale,
      lastSuccessAt: pushSubscriptions.lastSuccessAt,
    })
    .from(pushSubscriptions)
    .innerJoin(users, and(eq(users.id, pushSubscriptions.userId), eq(users.disabled, false)))
    .innerJoin(sessions, and(eq(sessions.tokenHash, pushSubscriptions.sessionTokenHash), eq(sessions.userId, users.id), gt(sessions.expiresAt, now)))
    .innerJoin(
      conversations,
      and(
        sql`${conversations.id} = any (array(select jsonb_array_elements_text(${JSON.stringify(conversationIds)}::jsonb)::int))`,
        or(eq(users.role, 'admin'), isNull(conversations.assigneeId), eq(conversations.assigneeId, users.id)),
      ),
    );
  const found = new Map<number, Recipient[]>();
  for (const { conversationId, ...recipient } of rows) {
    const list = found.get(conversationId);
    if (list) list.push(recipient);
    else found.set(conversationId, [recipient]);
  }
  return found;
}
