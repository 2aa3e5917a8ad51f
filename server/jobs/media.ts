/** @module server/jobs/media — the media queue: downloads an inbound message's media, sniffs its bytes, stores it, tells the actor what it really is. */
import { and, eq, type SQL } from 'drizzle-orm';
import type { MediaKind, MessageKind } from '../../actors/vocabulary';
import { exponentialBackoff } from '../../actors/runtime';
import type { Db } from '../db/client';
import { aspirants, conversations, media, messages } from '../db/schema';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { BlobStore } from '../storage/blob-store';
import { isTransient } from '../db/unavailable';
import { documentType } from '../whatsapp/media-type';
import type { JobContext, JobRunner } from './runner';

export type MediaOutcome =
  /** `kind`/`contentType`: what the bytes are (sniffed); `messageKind`: what her message was (a sticker is image bytes). */
  | { type: 'media.stored'; mediaId: number; messageId: number; kind: MediaKind; contentType: string; size: number; blobKey: string; checksum: string; messageKind: MessageKind }
  | { type: 'media.failed'; mediaId: number; messageId: number; reason: string };

export interface MediaQueueOptions {
  db: Db;
  blobs: BlobStore;
  download(url: string): Promise<{ bytes: Uint8Array; contentType: string }>;
  /** One of WhatsApp's media types by the bytes, or null (server/whatsapp/media-type detectMediaType). */
  detect(bytes: Uint8Array, declared?: string): Promise<{ mime: string; kind: MediaKind; ext: string } | null>;
  /** What any other file is stored as: a download (default server/whatsapp/media-type documentType). */
  asDocument?(bytes: Uint8Array, declared?: string): Promise<{ mime: string; kind: MediaKind; ext: string }>;
  notify(key: string, outcome: MediaOutcome): void;
  logger: Logger;
  metrics: Metrics;
  /** Downloads at once (default 4). */
  concurrency?: number;
  /** Delay before retry number `attempt` while storage is unavailable (default 200 ms doubling, capped at 30 s). */
  storageBackoffMs?: (attempt: number) => number;
  /** In a cluster, keeps recovery to conversations owned here (`column` holds their key; server/cluster). */
  ownedOnly?(column: unknown): SQL | undefined;
}

interface MediaJob {
  key: string;
  mediaId: number;
  /** Known once the row is read; a job that fails before that is only logged. */
  messageId?: number;
}

/**
 * Adds the media queue to `runner`. Jobs are the `media` rows still 'pending': handed over after the actor's commit
 * (`fetch`), found again at start (`recover`) or on a recruiter's retry. An outage of our own storage (database or
 * blob store) is waited out and never marks an aspirant's photo unavailable; a failed download tells the actor
 * `media.failed`. No file is refused for what it is: one that is not a WhatsApp media type (a CV as .docx, a contact
 * card, bytes declared image/jpeg that are not an image) is stored as a download (`documentType`), bounded by the
 * download's MEDIA_MAX_BYTES, and the actor is told its sniffed kind — the bot's photo step goes by it.
 */
export function createMediaQueue(runner: JobRunner, options: MediaQueueOptions) {
  const { db, blobs, logger } = options;
  const asDocument = options.asDocument ?? documentType;
  const stored = options.metrics.counter('wasap_media_stored_total', 'Inbound media files stored');
  const failures = options.metrics.counter('wasap_media_failed_total', 'Inbound media files that could not be fetched or were refused');
  const waiting: MediaJob[] = [];
  /** Media ids waiting or in flight: one job per row however often it is handed over. */
  const queued = new Set<number>();

  async function fetchAndStore(job: MediaJob, ctx: JobContext): Promise<void> {
    const [row] = await db
      .select({ state: media.state, sourceUrl: media.sourceUrl, messageId: media.messageId, contentType: media.contentType, messageKind: messages.kind })
      .from(media)
      .innerJoin(messages, eq(messages.id, media.messageId))
      .where(eq(media.id, job.mediaId))
      .limit(1);
    if (!row || row.state === 'stored' || !row.sourceUrl) return;
    job.messageId = row.messageId;
    const { bytes, contentType } = await options.download(row.sourceUrl);
    const declared = contentType || row.contentType || undefined;
    const type = (await options.detect(bytes, declared)) ?? (await asDocument(bytes, declared));
    const now = new Date();
    const blobKey = `media/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${Bun.randomUUIDv7()}.${type.ext}`;
    // Only the write is waited out: a blob store outage does not download the file again.
    const blob = await ctx.untilAvailable(() => blobs.put(blobKey, bytes, type.mime), 'media storage unavailable; waiting to retry');
    stored.inc();
    options.notify(job.key, {
      type: 'media.stored',
      mediaId: job.mediaId,
      messageId: row.messageId,
      kind: type.kind,
      contentType: type.mime,
      size: blob.size,
      blobKey,
      checksum: blob.checksum,
      messageKind: row.messageKind,
    });
  }

  const handle = runner.add<MediaJob>({
    name: 'media',
    limit: options.concurrency ?? 4,
    pollMs: 0,
    async claim(limit) {
      return waiting.splice(0, limit);
    },
    async perform(job, ctx) {
      try {
        await fetchAndStore(job, ctx);
      } catch (error) {
        // Waiting for the infrastructure, the job is still this one: a new hand-over must not start another.
        if (!isTransient(error)) queued.delete(job.mediaId);
        throw error;
      }
      queued.delete(job.mediaId);
    },
    waitBackoff: options.storageBackoffMs ?? exponentialBackoff({ baseMs: 200, capMs: 30_000 }),
    // The download retries by itself (server/whatsapp/media-download); a failure that reaches here is final.
    maxAttempts: 1,
    async discard(job, error) {
      const reason = (error as Error).message ?? String(error);
      if (job.messageId === undefined) return void logger.error('media job failed before its row was read', { mediaId: job.mediaId, err: error as Error });
      failures.inc();
      logger.warn('media unavailable', { mediaId: job.mediaId, reason });
      options.notify(job.key, { type: 'media.failed', mediaId: job.mediaId, messageId: job.messageId, reason });
    },
    /** Media accepted before a crash or restart but never stored are fetched again. */
    async recover() {
      const rows = await pendingMedia(db, undefined, options.ownedOnly?.(aspirants.whatsappId));
      for (const row of rows) enqueue(row.key, row.mediaId);
      return rows.length;
    },
  });

  function enqueue(key: string, mediaId: number): void {
    if (queued.has(mediaId)) return;
    queued.add(mediaId);
    waiting.push({ key, mediaId });
  }

  return {
    /** Hands over media rows the actor just recorded; before start they wait for it, after stop they wait for the next start. */
    fetch(key: string, mediaIds: number[]): void {
      for (const mediaId of mediaIds) enqueue(key, mediaId);
      handle.wake();
    },
    /** Pending media of conversations owned here now (a shard just gained from a process that stopped or died). */
    async catchUp(): Promise<void> {
      for (const row of await pendingMedia(db, undefined, options.ownedOnly?.(aspirants.whatsappId))) enqueue(row.key, row.mediaId);
      handle.wake();
    },
    /** A recruiter's "retry" on media that was unavailable; false when there is no such media. */
    async retry(mediaId: number): Promise<boolean> {
      const [row] = await pendingMedia(db, mediaId);
      if (!row) return false;
      await db.update(media).set({ state: 'pending', error: null }).where(eq(media.id, mediaId));
      enqueue(row.key, mediaId);
      handle.wake();
      return true;
    },
    recover: handle.recover,
    idle: handle.idle,
    stop: handle.stop,
  };
}

async function pendingMedia(db: Db, mediaId?: number, owned?: SQL) {
  return db
    .select({ mediaId: media.id, key: aspirants.whatsappId })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(aspirants, eq(aspirants.id, conversations.aspirantId))
    .where(mediaId === undefined ? and(eq(media.state, 'pending'), owned) : and(eq(media.id, mediaId)));
}

export type MediaQueue = ReturnType<typeof createMediaQueue>;
