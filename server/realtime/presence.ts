/** @module server/realtime/presence — who is viewing or typing in each conversation, per socket, in memory. */
import type { PresenceView } from '../../views/inbox/types';

const TYPING_MS = 5_000;

interface Entry {
  userId: number;
  name: string;
  typingUntil: number;
}

export function createPresence(now: () => number = Date.now) {
  const byConversation = new Map<number, Map<string, Entry>>();

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
    typing(socketId: string, conversationId: number): boolean {
      const entry = byConversation.get(conversationId)?.get(socketId);
      if (!entry) return false;
      entry.typingUntil = now() + TYPING_MS;
      return true;
    },
    leave(socketId: string, conversationId: number): void {
      const entries = byConversation.get(conversationId);
      entries?.delete(socketId);
      if (entries?.size === 0) byConversation.delete(conversationId);
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
