/**
 * @module server/realtime/sockets — the open /live sockets and what each one hears: its list topics (for
 * the filters on screen and the user's role), the one conversation it views, and presence. Every
 * subscription is decided here, so a change of access (see access.ts) can take it back.
 */
import type { Role } from '../../actors/vocabulary';
import { translator } from '../../views/i18n';
import { PresencePush } from '../../views/inbox/presence';
import type { Db } from '../db/client';
import { assigneesOf, canSee } from '../db/queries/inbox';
import type { Hub, HubReader } from './hub';
import type { Presence } from './presence';
import { conversationTopic, listTopicsFor, type ListFilters } from './topics';

export interface LiveUser {
  id: number;
  name: string;
  role: Role;
  /** The user's language and IANA time zone (users.locale, users.time_zone): pushes come in these. */
  locale?: string | null;
  timeZone?: string | null;
}

/** The few things of Bun's ServerWebSocket the registry uses (a fake in unit tests). */
export interface SocketHandle {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface LiveSocket {
  readonly id: string;
  /** The session it was opened with: ending that session closes the socket. */
  readonly sessionHash: string;
  user: LiveUser;
  /** The user's language and zone as the hub knows them: every topic is subscribed as this reader hears it. */
  reader: HubReader;
  filters: ListFilters;
  listening: string[];
  viewing?: number;
  closed: boolean;
  readonly handle: SocketHandle;
}

/** The access rule of `visibleTo` (server/db/queries/inbox), for a conversation whose assignee is known without a query. */
export function maySee(user: Pick<LiveUser, 'id' | 'role'>, assigneeId: number | null): boolean {
  return user.role === 'admin' || assigneeId === null || assigneeId === user.id;
}

export function createSockets(deps: { db: Db; presence: Presence; hub: Hub }) {
  const sockets = new Map<string, LiveSocket>();
  /**
   * Bumped by every change of access. A subscription decided on a database answer is re-decided when
   * this moved while the answer was on its way: the answer may describe the world before the change.
   */
  let generation = 0;

  /** Each tab gets its own line, in its reader's words: the others viewing or typing, never the viewer themself. */
  async function publishPresence(conversationId: number): Promise<void> {
    const people = deps.presence.people(conversationId);
    for (const socket of sockets.values()) {
      if (socket.viewing === conversationId) socket.handle.send(await PresencePush({ conversationId, people, viewerId: socket.user.id, i18n: socket.reader.i18n }));
    }
  }

  const subscribe = (socket: LiveSocket, topic: string) => socket.handle.subscribe(socket.reader.topic(topic));
  const unsubscribe = (socket: LiveSocket, topic: string) => socket.handle.unsubscribe(socket.reader.topic(topic));

  // A typist who sent, or whose typing ran out, changes the line without a socket message of her own.
  deps.presence.onChange((conversationId) => void publishPresence(conversationId));

  function leave(socket: LiveSocket): void {
    const previous = socket.viewing;
    if (previous === undefined) return;
    socket.viewing = undefined;
    deps.presence.leave(socket.id, previous);
    if (!socket.closed) unsubscribe(socket, conversationTopic(previous));
    void publishPresence(previous);
  }

  function listen(socket: LiveSocket, filters: ListFilters): number {
    for (const topic of socket.listening) unsubscribe(socket, topic);
    socket.filters = filters;
    socket.listening = listTopicsFor(socket.user, filters);
    for (const topic of socket.listening) subscribe(socket, topic);
    return socket.listening.length;
  }

  /**
   * Opens `conversationId` in this socket's tab when its user may see it (asked of the database),
   * leaving the one it viewed before. False when refused.
   */
  async function view(socket: LiveSocket, conversationId: number): Promise<boolean> {
    const seen = generation;
    const allowed = await canSee(deps.db, socket.user, conversationId);
    if (socket.closed) return false;
    if (seen !== generation) return view(socket, conversationId);
    if (!allowed) return false;
    if (socket.viewing !== conversationId) leave(socket);
    socket.viewing = conversationId;
    subscribe(socket, conversationTopic(conversationId));
    deps.presence.view(socket.id, conversationId, socket.user);
    await publishPresence(conversationId);
    return true;
  }

  /** Forgets a socket that closed, whoever closed it. */
  function forget(id: string): void {
    const socket = sockets.get(id);
    if (!socket) return;
    socket.closed = true;
    leave(socket);
    socket.reader.leave();
    sockets.delete(id);
  }

  /** Hears nothing until rescoped or closed; its filters and the conversation it views are kept. */
  function mute(socket: LiveSocket): void {
    generation++;
    for (const topic of socket.listening) unsubscribe(socket, topic);
    if (socket.viewing !== undefined) unsubscribe(socket, conversationTopic(socket.viewing));
  }

  /** Subscribes again to the conversation the socket views if its user may still see it, else leaves it. */
  async function recheckViewing(socket: LiveSocket): Promise<void> {
    const viewing = socket.viewing;
    if (viewing === undefined) return;
    const seen = generation;
    const allowed = await canSee(deps.db, socket.user, viewing);
    if (socket.closed || socket.viewing !== viewing) return;
    if (seen !== generation) return recheckViewing(socket);
    if (allowed) subscribe(socket, conversationTopic(viewing));
    else leave(socket);
  }

  return {
    /** Registers a socket that passed the upgrade's checks; it hears the lists of `user` until told otherwise. */
    open(id: string, handle: SocketHandle, user: LiveUser, sessionHash: string): LiveSocket {
      const reader = deps.hub.join(translator(user.locale, user.timeZone));
      const socket: LiveSocket = { id, sessionHash, user, reader, filters: { scope: 'all' }, listening: [], closed: false, handle };
      sockets.set(id, socket);
      listen(socket, socket.filters);
      return socket;
    },
    get: (id: string) => sockets.get(id),
    all: () => [...sockets.values()],
    size: () => sockets.size,
    listen,
    view,
    leave,
    /** True when a presence line was pushed (the socket views that conversation). */
    async typing(socket: LiveSocket, conversationId: number): Promise<boolean> {
      if (socket.viewing !== conversationId || !deps.presence.typing(socket.id, conversationId)) return false;
      await publishPresence(conversationId);
      return true;
    },
    forget,
    mute,
    /** Closes a socket whose access is gone: nothing is sent to it from here on. */
    revoke(socket: LiveSocket, code: number, reason: string): void {
      if (socket.closed) return;
      // Muted first: a closing socket must not be sent what is published before Bun has closed it.
      mute(socket);
      forget(socket.id);
      socket.handle.close(code, reason);
    },
    /**
     * The user behind a socket may have a new role: its lists follow the role at once, and the conversation
     * it views stays only if the user may still see it (it hears nothing of it while that is asked).
     */
    async rescope(socket: LiveSocket, user: LiveUser): Promise<void> {
      generation++;
      if (socket.viewing !== undefined) unsubscribe(socket, conversationTopic(socket.viewing));
      for (const topic of socket.listening) unsubscribe(socket, topic);
      socket.listening = [];
      socket.user = user;
      // Closed meanwhile (forget left its reader): nothing to hear, no reader to join.
      if (socket.closed) return;
      // Her language or zone may have changed with the rest: she hears everything in the new ones from here on.
      const previous = socket.reader;
      socket.reader = deps.hub.join(translator(user.locale, user.timeZone));
      previous.leave();
      listen(socket, socket.filters);
      if (socket.viewing === undefined) return;
      await recheckViewing(socket);
    },
    /**
     * Every viewed conversation's assignee read again (one query): a viewer who may no longer see hers leaves it —
     * for a reassignment this process never heard (made on another process, its push hint lost or skipped).
     */
    async recheckViewed(): Promise<void> {
      // Each socket with what it views as the query goes out: one that moved on meanwhile is judged next sweep.
      const viewers = [...sockets.values()].filter((socket) => socket.viewing !== undefined && socket.user.role !== 'admin').map((socket) => ({ socket, id: socket.viewing! }));
      if (viewers.length === 0) return;
      const seen = generation;
      const assignee = await assigneesOf(deps.db, [...new Set(viewers.map((v) => v.id))]);
      // A change of access meanwhile was acted on already, and may be newer than this answer: the next sweep decides.
      if (seen !== generation) return;
      for (const { socket, id } of viewers) {
        if (socket.closed || socket.viewing !== id) continue;
        if (!assignee.has(id) || !maySee(socket.user, assignee.get(id) ?? null)) (generation++, leave(socket));
      }
    },
    /** A conversation changed hands: viewers who may no longer see it stop hearing it, before anything else is pushed. */
    reassigned(conversationId: number, assigneeId: number | null): void {
      generation++;
      for (const socket of sockets.values()) {
        if (socket.viewing === conversationId && !maySee(socket.user, assigneeId)) leave(socket);
      }
    },
  };
}

export type Sockets = ReturnType<typeof createSockets>;
