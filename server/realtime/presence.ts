/**
 * @module server/realtime/presence — who is viewing or typing in each conversation, per socket, in memory. A change
 * that no socket message announces — a typist who sent her message, one whose 5 s of typing ran out, or a change on
 * another process — is told to the `onChange` listeners (realtime/sockets republishes the conversation's presence line
 * to the sockets allowed to view it), so "X is typing…" never outlives the typing.
 *
 * With several processes on one Postgres (`relay`: the cluster node), each process relays its own sockets' entries of
 * a conversation whenever they change, and all of them every REFRESH_MS, on topic `presence`: only user ids, display
 * names and the typing time left cross. Entries heard from another process are kept per process and conversation,
 * replaced by its next relay, and dropped once not heard of for STALE_MS (a process that died).
 */
import type { PresenceView } from '../../views/inbox/types';

/** How long one typing signal lasts (ms); the composer sends one at most every 3 s while keys are pressed. */
export const TYPING_MS = 5_000;
/** How often a process relays all its entries again (ms), so others can tell it is alive. */
export const REFRESH_MS = 10_000;
/** How long another process's entries stand without being relayed again (ms). */
export const STALE_MS = 30_000;
/** The relay topic. */
const TOPIC = 'presence';
/** Bounds of one relayed conversation: it must fit a NOTIFY payload (under 8,000 bytes) with room to spare. */
const MAX_RELAYED = 16;
const MAX_NAME = 80;

interface Entry {
  userId: number;
  name: string;
  typingUntil: number;
}

/** One process's entries of a conversation (`e`: user id, name, typing ms left), or `s`: user `s` sent a message there. */
type Relayed = { c: number; e: { u: number; n: string; t: number }[] } | { c: number; s: number };

/** The cluster node's relay (server/cluster/node), or a fake in tests. */
export interface PresenceRelay {
  relay(topic: string, payload: unknown): void;
  onRelay(topic: string, listener: (payload: unknown, origin: string) => void): void;
}

export interface PresenceOptions {
  /** The clock (ms). */
  now?: () => number;
  /** Runs `fn` after `ms` (default an unref'd setTimeout; tests run it themselves). */
  later?: (fn: () => void, ms: number) => void;
  /** Other processes on the same Postgres; absent on a single process. */
  relay?: PresenceRelay;
  /** Runs `fn` every `ms` until the returned function is called (default an unref'd setInterval; tests run it themselves). */
  every?: (fn: () => void, ms: number) => () => void;
}

const unrefTimeout = (fn: () => void, ms: number) => void setTimeout(fn, ms).unref();
function unrefInterval(fn: () => void, ms: number): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** A relayed message checked field by field (it came through the database): undefined when malformed. */
function parseRelayed(payload: unknown): Relayed | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { c, e, s } = payload as Record<string, unknown>;
  if (!isId(c)) return undefined;
  if (isId(s)) return { c, s };
  if (!Array.isArray(e) || e.length > MAX_RELAYED) return undefined;
  const entries = [];
  for (const item of e as Record<string, unknown>[]) {
    if (typeof item !== 'object' || item === null || !isId(item.u) || typeof item.n !== 'string' || typeof item.t !== 'number') return undefined;
    entries.push({ u: item.u, n: item.n.slice(0, MAX_NAME), t: Math.min(Math.max(0, item.t), TYPING_MS) });
  }
  return { c, e: entries };
}

export function createPresence(options: PresenceOptions = {}) {
  const now = options.now ?? Date.now;
  const later = options.later ?? unrefTimeout;
  const byConversation = new Map<number, Map<string, Entry>>();
  /** Other processes' entries: conversation → origin node → its entries and when they were heard. */
  const remote = new Map<number, Map<string, { entries: Entry[]; heardAt: number }>>();
  const listeners = new Set<(conversationId: number) => void>();
  const changed = (conversationId: number) => listeners.forEach((listener) => listener(conversationId));

  function people(conversationId: number): PresenceView[] {
    const all = [...(byConversation.get(conversationId)?.values() ?? [])];
    for (const heard of remote.get(conversationId)?.values() ?? []) all.push(...heard.entries);
    const seen = new Map<number, PresenceView>();
    for (const entry of all) {
      const typing = entry.typingUntil > now();
      const previous = seen.get(entry.userId);
      if (!previous || typing) seen.set(entry.userId, { userId: entry.userId, name: entry.name, typing });
    }
    return [...seen.values()];
  }

  /** Tells the other processes this one's entries of the conversation (one per user; none once its last tab left). */
  function announce(conversationId: number): void {
    if (!options.relay) return;
    const mine = new Map<number, { u: number; n: string; t: number }>();
    for (const entry of byConversation.get(conversationId)?.values() ?? []) {
      const t = Math.max(0, entry.typingUntil - now());
      const previous = mine.get(entry.userId);
      if (!previous || t > previous.t) mine.set(entry.userId, { u: entry.userId, n: entry.name.slice(0, MAX_NAME), t });
    }
    options.relay.relay(TOPIC, { c: conversationId, e: [...mine.values()].slice(0, MAX_RELAYED) });
  }

  /** Ends `userId`'s typing in the conversation here (local tabs and what other processes said); true when she was. */
  function stopTyping(userId: number, conversationId: number): { local: boolean; remote: boolean } {
    const stopped = { local: false, remote: false };
    for (const entry of byConversation.get(conversationId)?.values() ?? []) {
      if (entry.userId !== userId || entry.typingUntil <= now()) continue;
      entry.typingUntil = 0;
      stopped.local = true;
    }
    for (const heard of remote.get(conversationId)?.values() ?? []) {
      for (const entry of heard.entries) {
        if (entry.userId !== userId || entry.typingUntil <= now()) continue;
        entry.typingUntil = 0;
        stopped.remote = true;
      }
    }
    return stopped;
  }

  function heard(payload: unknown, origin: string): void {
    const message = parseRelayed(payload);
    if (!message) return;
    const conversationId = message.c;
    if ('s' in message) {
      const stopped = stopTyping(message.s, conversationId);
      if (stopped.local) announce(conversationId);
      if (stopped.local || stopped.remote) changed(conversationId);
      return;
    }
    const origins = remote.get(conversationId) ?? new Map<string, { entries: Entry[]; heardAt: number }>();
    const at = now();
    const record = { entries: message.e.map((e) => ({ userId: e.u, name: e.n, typingUntil: e.t > 0 ? at + e.t : 0 })), heardAt: at };
    const before = people(conversationId);
    if (record.entries.length > 0) origins.set(origin, record);
    else origins.delete(origin);
    if (origins.size > 0) remote.set(conversationId, origins);
    else remote.delete(conversationId);
    // A refresh that changes nothing on screen is not news (it comes every REFRESH_MS from every other process).
    if (!Bun.deepEquals(before, people(conversationId))) changed(conversationId);
    const typingMs = Math.max(0, ...message.e.map((e) => e.t));
    // Its typing runs out here as it does there; a newer relay from that process says so itself.
    if (typingMs > 0) later(() => origins.get(origin) === record && changed(conversationId), typingMs);
  }

  /** Relays every conversation this process has entries in, and drops what silent processes said. */
  function refresh(): void {
    for (const conversationId of byConversation.keys()) announce(conversationId);
    const oldest = now() - STALE_MS;
    for (const [conversationId, origins] of remote) {
      let dropped = false;
      for (const [origin, record] of origins) if (record.heardAt < oldest) (origins.delete(origin), (dropped = true));
      if (origins.size === 0) remote.delete(conversationId);
      if (dropped) changed(conversationId);
    }
  }

  let stopRefresh = () => {};
  if (options.relay) {
    options.relay.onRelay(TOPIC, heard);
    stopRefresh = (options.every ?? unrefInterval)(refresh, REFRESH_MS);
  }

  return {
    people,
    /** Stops relaying this process's entries (the server stops). */
    stop: (): void => stopRefresh(),
    view(socketId: string, conversationId: number, user: { id: number; name: string }): void {
      const entries = byConversation.get(conversationId) ?? new Map<string, Entry>();
      entries.set(socketId, { userId: user.id, name: user.name, typingUntil: 0 });
      byConversation.set(conversationId, entries);
      announce(conversationId);
    },
    /** A typing signal from a socket viewing the conversation; false when it views another. Its end is told. */
    typing(socketId: string, conversationId: number): boolean {
      const entry = byConversation.get(conversationId)?.get(socketId);
      if (!entry) return false;
      const until = now() + TYPING_MS;
      entry.typingUntil = until;
      announce(conversationId);
      later(() => {
        // Only the last signal's end is news: a later one moved typingUntil on.
        if (entry.typingUntil === until) changed(conversationId);
      }, TYPING_MS);
      return true;
    },
    /**
     * `userId` sent a message in the conversation: she is typing there no more, in any tab of any process (told when
     * she was; the other processes are told when another process said she was typing).
     */
    sent(userId: number, conversationId: number): void {
      const stopped = stopTyping(userId, conversationId);
      if (stopped.local) announce(conversationId);
      if (stopped.remote) options.relay?.relay(TOPIC, { c: conversationId, s: userId });
      if (stopped.local || stopped.remote) changed(conversationId);
    },
    leave(socketId: string, conversationId: number): void {
      const entries = byConversation.get(conversationId);
      if (!entries?.delete(socketId)) return;
      if (entries.size === 0) byConversation.delete(conversationId);
      announce(conversationId);
    },
    /** Calls `listener` with a conversation id whenever its presence changed without a socket message; returns its removal. */
    onChange(listener: (conversationId: number) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
