/** @module server/jobs/media — downloads an inbound message's media, checks its bytes, stores it, tells the actor. */
import { and, eq } from 'drizzle-orm';
import type { MediaKind } from '../../actors/vocabulary';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import { isTransient } from '../db/unavailable';
import { aspirants, conversations, media, messages } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { BlobStore } from '../storage/blob-store';

export type MediaOutcome =
  | { type: 'media.stored'; mediaId: number; messageId: number; kind: MediaKind; contentType: string; size: number; blobKey: string; checksum: string }
  | { type: 'media.failed'; mediaId: number; messageId: number; reason: string };

export interface MediaWorkerOptions {
  db: Db;
  blobs: BlobStore;
  download(url: string): Promise<{ bytes: Uint8Array; contentType: string }>;
  detect(bytes: Uint8Array, declared?: string): Promise<{ mime: string; kind: MediaKind; ext: string } | null>;
  notify(key: string, outcome: MediaOutcome): void;
  logger: Logger;
  metrics: Metrics;
  concurrency?: number;
  /** Delay before retry number `attempt` while storage is unavailable (default 200 ms doubling, capped at 30 s). */
  storageBackoffMs?: (attempt: number) => number;
}

export function createMediaWorker(options: MediaWorkerOptions) {
  const { db, blobs, logger } = options;
  const stored = options.metrics.counter('wasap_media_stored_total', 'Inbound media files stored');
  const failures = options.metrics.counter('wasap_media_failed_total', 'Inbound media files that could not be fetched or were refused');
  const storageRetries = options.metrics.counter('wasap_media_storage_retries_total', 'Media writes retried because the database or blob store was unavailable');
  const storageBackoff = options.storageBackoffMs ?? exponentialBackoff({ baseMs: 200, capMs: 30_000 });
  const limit = options.concurrency ?? 4;
  const queue: { key: string; mediaId: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  /**
   * `work`, retried with capped backoff while the database or the blob store is unavailable: an outage of our own
   * storage never marks an aspirant's photo unavailable. Stopping gives up (the row stays pending for the next start).
   */
  async function waitOut<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (stopped || !isTransient(error)) throw error;
        storageRetries.inc();
        if (attempt === 1) logger.warn('media storage unavailable; waiting to retry', { err: error as Error });
        await Bun.sleep(storageBackoff(attempt));
      }
    }
  }

  async function process(key: string, mediaId: number): Promise<void> {
    const [row] = await waitOut(() => db.select().from(media).where(eq(media.id, mediaId)).limit(1));
    if (!row || row.state === 'stored' || !row.sourceUrl) return;
    try {
      const { bytes, contentType } = await options.download(row.sourceUrl);
      const type = await options.detect(bytes, contentType || row.contentType || undefined);
      if (!type) throw new Error(`the file is not an allowed image, video, audio or PDF (declared ${row.contentType ?? 'unknown'})`);
      const now = new Date();
      const blobKey = `media/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${Bun.randomUUIDv7()}.${type.ext}`;
      const blob = await waitOut(() => blobs.put(blobKey, bytes, type.mime));
      stored.inc();
      options.notify(key, { type: 'media.stored', mediaId, messageId: row.messageId, kind: type.kind, contentType: type.mime, size: blob.size, blobKey, checksum: blob.checksum });
    } catch (error) {
      if (stopped && isTransient(error)) return;
      failures.inc();
      const reason = (error as Error).message ?? String(error);
      logger.warn('media unavailable', { mediaId, reason });
      options.notify(key, { type: 'media.failed', mediaId, messageId: row.messageId, reason });
    }
  }

  function pump(): void {
    while (inFlight.size < limit && queue.length > 0) {
      const job = queue.shift()!;
      const task = process(job.key, job.mediaId)
        .catch((error: unknown) => logger.error('media job crashed', { err: error as Error, mediaId: job.mediaId }))
        .finally(() => {
          inFlight.delete(task);
          pump();
        });
      inFlight.add(task);
    }
  }

  /** After stop() new jobs are ignored: their rows stay pending and are recovered at the next start. */
  function fetch(key: string, mediaIds: number[]): void {
    if (stopped) return;
    for (const mediaId of mediaIds) queue.push({ key, mediaId });
    pump();
  }

  /** Media accepted before a crash or restart but never stored are fetched again. */
  async function recover(): Promise<number> {
    const rows = await pendingMedia(db);
    for (const row of rows) fetch(row.key, [row.mediaId]);
    return rows.length;
  }

  /** A recruiter's "retry" on media that was unavailable. */
  async function retry(mediaId: number): Promise<boolean> {
    const [row] = await pendingMedia(db, mediaId);
    if (!row) return false;
    await db.update(media).set({ state: 'pending', error: null }).where(eq(media.id, mediaId));
    fetch(row.key, [mediaId]);
    return true;
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }

  async function stop(): Promise<void> {
    stopped = true;
    queue.length = 0;
    await idle();
  }

  return { fetch, recover, retry, idle, stop };
}

async function pendingMedia(db: Db, mediaId?: number) {
  return db
    .select({ mediaId: media.id, key: aspirants.whatsappId })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(mediaId === undefined ? eq(media.state, 'pending') : and(eq(media.id, mediaId)));
}

export type MediaWorker = ReturnType<typeof createMediaWorker>;
