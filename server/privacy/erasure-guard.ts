/**
 * @module server/privacy/erasure-guard — outcomes of work that was in flight when a person was erased: a media fetch
 * that stores her file after her rows went, a send whose answer comes back after. Their events reach her actor after
 * the erasure (it ran in her actor's turn); this store wrapper drops them without writing, and queues a file stored
 * for an erased media row for deletion (server/privacy/blob-deletions), so no file outlives its row (Law 1581 Art. 15).
 */
import type { CommitResult, ConversationStore } from '../../actors/conversation/ports';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import type { Logger } from '../logger';
import type { BlobStore } from '../storage/blob-store';
import { deleteQueuedBlobs, queueBlobDeletions } from './blob-deletions';

/** How long erased ids are remembered: far longer than any fetch or send takes (an hour). */
const REMEMBER_MS = 60 * 60 * 1000;

export interface ErasureGuard {
  /** Remembers the media and message ids of an erased person (called by server/privacy/erase in her actor's turn). */
  forget(ids: { mediaIds: number[]; messageIds: number[] }): void;
  /** The store, dropping the late outcomes of forgotten ids. */
  wrap<B>(store: ConversationStore<B>): ConversationStore<B>;
}

/**
 * A guard for one conversation system; without `blobs` a late file is only queued (deleted by the next retry).
 * `askDatabase` (several processes: the erasure may have run in another process, whose ids this one may not have
 * heard) also looks a stored file's media row up before keeping it: the look-up runs in the actor's turn, as the
 * erasure did, so the row is either still there or gone for good.
 */
export function createErasureGuard(deps: { db: Db; blobs?: BlobStore; logger: Logger; now?: () => number; askDatabase?: boolean }): ErasureGuard {
  const now = deps.now ?? Date.now;
  const media = new Map<number, number>();
  const messages = new Map<number, number>();

  function prune(map: Map<number, number>): void {
    const cutoff = now() - REMEMBER_MS;
    for (const [id, at] of map) if (at < cutoff) map.delete(id);
  }

  async function dropFile(key: string): Promise<void> {
    await queueBlobDeletions(deps.db, [key], 'orphan');
    if (!deps.blobs) return;
    const outcome = await deleteQueuedBlobs(deps.db, deps.blobs, [key]);
    if (outcome.pending.length) deps.logger.warn('a file stored after its erasure is queued for deletion', { pending: outcome.pending.length });
  }

  async function mediaRowExists(id: number): Promise<boolean> {
    return rowsOf(await deps.db.execute(sql`select 1 from media where id = ${id}`)).length > 0;
  }

  const nothing = (conversationId: number | null): CommitResult<never> => ({ applied: true, conversationId, messageIds: {}, mediaIds: [], touchedMessageIds: [], enqueued: false, recordedSids: [] });

  return {
    forget({ mediaIds, messageIds }) {
      const at = now();
      prune(media);
      prune(messages);
      for (const id of mediaIds) media.set(id, at);
      for (const id of messageIds) messages.set(id, at);
    },
    wrap(store) {
      return {
        ...store,
        async commit(key, state, effects, event, at) {
          if ((event.type === 'media.stored' || event.type === 'media.failed') && (media.has(event.mediaId) || (deps.askDatabase && !(await mediaRowExists(event.mediaId))))) {
            if (event.type === 'media.stored') await dropFile(event.blobKey);
            return nothing(state.conversationId);
          }
          if ((event.type === 'outbox.sent' || event.type === 'outbox.failed') && messages.has(event.messageId)) return nothing(state.conversationId);
          return store.commit(key, state, effects, event, at);
        },
      };
    },
  };
}
