/**
 * @module server/db/schema/push — Web Push subscriptions (RFC 8030): the browsers that asked to be alerted of new
 * aspirant messages while no inbox is open, one row per push endpoint.
 */
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sessions, users } from './users';

export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /**
     * The session that last subscribed it: the subscription lives only as long as that sign-in does. Signing out,
     * being disabled, a password reset and the sweep of expired sessions all delete sessions, and with them this.
     */
    sessionTokenHash: text('session_token_hash')
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: 'cascade' }),
    /** The push service's URL for this browser (a capability: whoever holds it can push to it). */
    endpoint: text('endpoint').notNull(),
    /** The browser's P-256 public key, 65 bytes base64url (RFC 8291 `ua_public`). */
    p256dh: text('p256dh').notNull(),
    /** The browser's 16-byte authentication secret, base64url (RFC 8291 `auth_secret`). */
    auth: text('auth').notNull(),
    /** The VAPID public key the browser subscribed with: pushes signed by another key are refused by its push service. */
    vapidKey: text('vapid_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** The last time its push service accepted a message for it (201). */
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint), index('push_subscriptions_user_id_idx').on(t.userId), index('push_subscriptions_session_idx').on(t.sessionTokenHash)],
);
