/** @module actors/conversation/ports — what the conversation actor needs from the world; the server implements these. */
import type { ConversationEvent, ConversationState, Effect } from './types';

/**
 * What a commit did. `B` is what the store read back for its own after-commit hooks (the server's list row, so its
 * push needs no query): the actor passes it through untouched.
 */
export interface CommitResult<B = never> {
  /** False when the event had already been processed (a duplicate delivery): nothing was written. */
  applied: boolean;
  conversationId: number | null;
  /** Ids of the messages this event created, by their ref. */
  messageIds: Record<string, number>;
  /** Media rows created for those messages, to fetch after the commit. */
  mediaIds: number[];
  /** Messages whose rows changed (status, media), for pushes. */
  touchedMessageIds: number[];
  /** True when this event enqueued outbound messages. */
  enqueued: boolean;
  /** A status callback for a message whose sid is not recorded yet: kept for later, not lost. */
  parked?: boolean;
  /**
   * Provider sids recorded by this event that status callbacks may be parked for: those can be processed now. The
   * status lane names only sids it found callbacks parked for; the general path names every sid it recorded.
   */
  recordedSids: string[];
  /** The store's read-back for its after-commit hooks, when its commit had it at hand. */
  readBack?: B;
}

export interface ConversationStore<B = never> {
  /** The actor's state from the database, or the initial state for a number never seen. */
  load(key: string): Promise<ConversationState>;
  /** Creates (or finds) the aspirant row for a number and returns its id. */
  ensureAspirant(key: string, whatsappName?: string): Promise<number>;
  /** Persists one event's effects in one transaction. */
  commit(key: string, state: ConversationState, effects: Effect[], event: ConversationEvent, now: number): Promise<CommitResult<B>>;
  /**
   * The recruiter's command `commandId` as committed before, if it was (`messageId`: the reply it created): a reply
   * sent again after its first try was saved is answered as sent even when it would now be refused (the window
   * closed, she opted out). Optional: without it such a retry gets the refusal.
   */
  committedCommand?(commandId: string): Promise<{ messageId?: number } | undefined>;
}

/** What happens after a commit: fetch media, wake the outbox, push fragments to watchers. */
export interface AfterCommit<B = never> {
  mediaToFetch(key: string, mediaIds: number[]): void;
  outboxReady(): void;
  parkedSidsRecorded(key: string, sids: string[]): void;
  changed(key: string, conversationId: number, result: CommitResult<B>, event: ConversationEvent): void;
}
