/**
 * @module server/privacy/blob-deletions — deleting the files of erased rows (media in the local folder or S3) so that a
 * blob store failure never leaves a file behind unnoticed: keys are written to `blob_deletions` in the transaction
 * that deletes their rows, deleted from the store with a few quick retries, and a key whose deletion still failed
 * stays there to be retried by `retryBlobDeletions` (the retention job and every erasure call it). Law 1581 Art. 15.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { blobDeletions } from '../db/schema';
import type { BlobStore } from '../storage/blob-store';

/** What a round of deletions did: `deleted` keys are gone from the store; `pending` ones stay queued. */
export interface BlobDeletionOutcome {
  deleted: number;
  pending: string[];
}

export interface BlobDeletionOptions {
  /** Tries per key in this round (default 3). */
  attempts?: number;
  /** Pause before try n+1 (default 100 ms × n; tests pass 0). */
  delayMs?: (attempt: number) => number;
}

/** Queues keys for deletion inside the caller's transaction (a key queued twice is queued once). */
export async function queueBlobDeletions(tx: Pick<Db, 'insert'>, keys: string[], reason: 'erasure' | 'orphan'): Promise<void> {
  if (keys.length === 0) return;
  await tx
    .insert(blobDeletions)
    .values(keys.map((key) => ({ key, reason })))
    .onConflictDoNothing();
}

/** Deletes one key from the store, retrying quickly; the last error when every try failed. */
async function deleteWithRetries(blobs: BlobStore, key: string, options: BlobDeletionOptions): Promise<Error | null> {
  const attempts = options.attempts ?? 3;
  const delay = options.delayMs ?? ((n: number) => 100 * n);
  let last: Error | null = null;
  for (let n = 1; n <= attempts; n++) {
    try {
      await blobs.delete(key);
      return null;
    } catch (error) {
      last = error as Error;
      if (n < attempts && delay(n) > 0) await Bun.sleep(delay(n));
    }
  }
  return last;
}

/**
 * Deletes queued keys from the store (`keys`, or every queued key that is due when none are given): a deleted key
 * leaves the queue; a failed one records its error and is due again later (a minute × its failed rounds, at most a day).
 */
export async function deleteQueuedBlobs(db: Db, blobs: BlobStore, keys?: string[], options: BlobDeletionOptions = {}): Promise<BlobDeletionOutcome> {
  const due =
    keys ?? (await db.select({ key: blobDeletions.key }).from(blobDeletions).where(lte(blobDeletions.nextAttemptAt, new Date())).orderBy(asc(blobDeletions.createdAt)).limit(500)).map((r) => r.key);
  const outcome: BlobDeletionOutcome = { deleted: 0, pending: [] };
  const done: string[] = [];
  for (const key of due) {
    const error = await deleteWithRetries(blobs, key, options);
    if (!error) {
      done.push(key);
      continue;
    }
    outcome.pending.push(key);
    await db
      .update(blobDeletions)
      .set({
        attempts: sql`${blobDeletions.attempts} + 1`,
        lastError: error.message.slice(0, 500),
        nextAttemptAt: sql`now() + least(interval '1 minute' * (${blobDeletions.attempts} + 1), interval '1 day')`,
      })
      .where(eq(blobDeletions.key, key));
  }
  if (done.length) await db.delete(blobDeletions).where(and(inArray(blobDeletions.key, done)));
  outcome.deleted = done.length;
  return outcome;
}

/** Retries every queued deletion that is due; for the retention job and before each erasure. */
export function retryBlobDeletions(db: Db, blobs: BlobStore, options?: BlobDeletionOptions): Promise<BlobDeletionOutcome> {
  return deleteQueuedBlobs(db, blobs, undefined, options);
}
