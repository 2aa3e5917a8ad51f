/**
 * @module server/db/schema/rate-limits — the hits of the limits shared by every process on one Postgres
 * (server/forms/shared-rate-limit): one row per allowed hit, by bucket (which limit: `form.ip`, `form.token`, …) and
 * the SHA-256 of its key (a client address or a link token is never stored), at the database's clock. Rows older
 * than the longest window are deleted on the way and by a periodic cleanup. PGlite installs use the in-memory limiter.
 */
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    bucket: text('bucket').notNull(),
    /** Hex SHA-256 of the limited key (an address, a token, a guardian id). */
    keyHash: text('key_hash').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rate_limit_hits_key_idx').on(t.bucket, t.keyHash, t.at), index('rate_limit_hits_at_idx').on(t.at)],
);
