/**
 * @module server/realtime/presence — who is viewing or typing in each conversation, per socket, in memory. A change
 * that no socket message announces — a typist who sent her message, or one whose 5 s of typing ran out — is told to
 * the `onChange` listeners (realtime/sockets republishes the conversation's presence line), so "X is typing…" never
 * outlives the typing.
 */
import type { PresenceView } from '../../views/inbox/types';

/** How long one typing signal lasts (ms); the composer sends one at most every 3 s while keys are pressed. */
export const TYPING_MS = 5_000;

interface Entry {
  userId: number;
  name: string;
  typingUntil: number;
}

export interface PresenceOptions {
  /** The clock (ms). */
  now?: () => number;
  /** Runs `fn` after `ms` (default an unref'd setTimeout; tests run it themselves). */
  later?: (fn: () => void, ms: number) => void;
}

const unrefTimeout = (fn: () => void, ms: number) => void setTimeout(fn, ms).unref();

export function createPresence(options: PresenceOptions = {}) {
  const now = options.now ?? Date.now;
  const later = options.later ?? unrefTimeout;
  const byConversation = new Map<number, Map<string, Entry>>();
  const listeners = new Set<(conversationId: number) => void>();
  const changed = (conversationId: number) => listeners.forEach((listener) => listener(conversationId));

  function people(conversationId: number): PresenceView[] {
    const entries = byConversation.get(conversationId);
    if (!entries) return [];
    const seen = new Map<number, PresenceView>();
    for (const entry of entries.values()) {
      const typing = entry.typingUntil > now();
      const previous = seen.get(entry.userId);
      if (!previous || typing) seen.set(entry.userId, { userId: entry.userId, name: entry.name, typing });
    }
    return [...seen.values()];
  }

  return {
    people,
    view(socketId: string, conversationId: number, user: { id: number; name: string }): void {
      const entries = byConversation.get(conversationId) ?? new Map<string, Entry>();
      entries.set(socketId, { userId: user.id, name: user.name, typingUntil: 0 });
      byConversation.set(conversationId, entries);
    },
    /** A typing signal from a socket viewing the conversation; false when it views another. Its end is told. */
    typing(socketId: string, conversationId: number): boolean {
      const entry = byConversation.get(conversationId)?.get(socketId);
      if (!entry) return false;
      const until = now() + TYPING_MS;
      entry.typingUntil = until;
      later(() => {
        // Only the last signal's end is news: a later one moved typingUntil on.
        if (entry.typingUntil === until) changed(conversationId);
      }, TYPING_MS);
      return true;
    },
    /** `userId` sent a message in the conversation: she is typing there no more, in any tab (told when she was). */
    sent(userId: number, conversationId: number): void {
      let wasTyping = false;
      for (const entry of byConversation.get(conversationId)?.values() ?? []) {
        if (entry.userId !== userId || entry.typingUntil <= now()) continue;
        entry.typingUntil = 0;
        wasTyping = true;
      }
      if (wasTyping) changed(conversationId);
    },
    leave(socketId: string, conversationId: number): void {
      const entries = byConversation.get(conversationId);
      entries?.delete(socketId);
      if (entries?.size === 0) byConversation.delete(conversationId);
    },
    /** Calls `listener` with a conversation id whenever its presence changed without a socket message; returns its removal. */
    onChange(listener: (conversationId: number) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
