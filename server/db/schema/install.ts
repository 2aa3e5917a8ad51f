/**
 * @module server/db/schema/install — facts about the install that every process on the database must agree on, by
 * key: `secret_fingerprint` (server/db/install-identity) is an HMAC of WASAP_SECRET, never the secret itself.
 */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const installSettings = pgTable('install_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
