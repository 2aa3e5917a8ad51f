/**
 * @module server/db/schema/blob-deletions — blobs (media files, local or S3) whose rows are gone and whose bytes must
 * go too: written in the transaction that deletes the rows (an erasure, Law 1581 Art. 15), removed once the blob
 * store confirmed the deletion, retried until then (server/privacy/blob-deletions). Holds keys only, no personal data.
 */
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const blobDeletions = pgTable(
  'blob_deletions',
  {
    /** The blob store key (random, e.g. `media/2026/12/<uuid>.jpg`). */
    key: text('key').primaryKey(),
    /** Why it goes: `erasure` (an aspirant erased), `orphan` (stored after its row was erased). */
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('blob_deletions_due_idx').on(t.nextAttemptAt)],
);
