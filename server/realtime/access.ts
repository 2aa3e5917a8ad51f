/**
 * @module server/realtime/access — keeps every open /live socket within what its user may see now.
 * Three paths, from fastest to broadest: changes announced in this process (access-events) act at
 * once; every message a socket sends re-checks its session first; and while sockets are open, a sweep
 * re-checks all their sessions, and the assignee of every conversation a recruiter views, every few
 * seconds, for changes this process never hears (the CLI or another server process writing to the same
 * Postgres, a session that simply expired).
 */
import { onAccessChange, type AccessChange } from '../auth/access-events';
import { liveSessions } from '../auth/sessions';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { LiveSocket, Sockets } from './sockets';

/**
 * Close code for a socket whose session ended or whose user was disabled: an application code
 * (4000–4999) mirroring HTTP 401. htmx's hx-ws does not reconnect on it, and a reconnect would be
 * refused at the upgrade anyway.
 */
export const SESSION_ENDED_CLOSE = 4401;
export const SESSION_ENDED_REASON = 'session ended';
/** A sweep is one indexed query for all open sockets: cheap enough to bound the CLI's delay to seconds. */
export const SWEEP_MS = 2_000;

export interface AccessDeps {
  db: Db;
  sockets: Sockets;
  logger: Logger;
  now?: () => Date;
  sweepMs?: number;
}

type Found = Awaited<ReturnType<typeof liveSessions>>;

export function createAccess(deps: AccessDeps) {
  const { db, sockets, logger } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<void> | undefined;

  /** Revokes or re-scopes each socket by what the database says of its session now. */
  async function apply(list: LiveSocket[], found: Found, force: boolean): Promise<void> {
    const work: Promise<void>[] = [];
    for (const socket of list) {
      const session = found.get(socket.sessionHash);
      if (!session || session.userId !== socket.user.id) sockets.revoke(socket, SESSION_ENDED_CLOSE, SESSION_ENDED_REASON);
      else if (force || session.role !== socket.user.role || session.locale !== (socket.user.locale ?? null) || session.timeZone !== (socket.user.timeZone ?? null)) {
        work.push(sockets.rescope(socket, { ...socket.user, role: session.role, locale: session.locale, timeZone: session.timeZone }));
      }
    }
    await Promise.all(work);
  }

  async function check(list: LiveSocket[], force = false): Promise<void> {
    const open = list.filter((socket) => !socket.closed);
    if (open.length === 0) return;
    const found = await liveSessions(db, [...new Set(open.map((socket) => socket.sessionHash))], now());
    await apply(open, found, force);
  }

  async function userChanged(userId: number): Promise<void> {
    const list = sockets.all().filter((socket) => socket.user.id === userId);
    // Deaf until the database has answered: whether she was disabled or demoted, nothing reaches her meanwhile.
    for (const socket of list) sockets.mute(socket);
    try {
      await check(list, true);
    } catch (error) {
      // Still muted; her next message or the next sweep decides. Closing is the safe answer.
      for (const socket of list) sockets.revoke(socket, SESSION_ENDED_CLOSE, SESSION_ENDED_REASON);
      logger.warn('live access re-check failed', { err: error as Error, userId });
    }
  }

  function heard(change: AccessChange): Promise<void> | void {
    switch (change.type) {
      case 'session.ended':
        for (const socket of sockets.all()) if (socket.sessionHash === change.tokenHash) sockets.revoke(socket, SESSION_ENDED_CLOSE, SESSION_ENDED_REASON);
        return;
      case 'user.changed':
        return userChanged(change.userId);
      case 'conversation.reassigned':
        return sockets.reassigned(change.conversationId, change.assigneeId);
    }
  }
  onAccessChange(db, heard);

  function sweep(): Promise<void> {
    // One at a time: a slow database must not pile sweeps up.
    sweeping ??= check(sockets.all())
      // Then what each socket views: a reassignment made on another process is heard here by its push hint, which
      // can be lost; this bounds what a recruiter who lost the conversation could still hear to one sweep.
      .then(() => sockets.recheckViewed())
      .catch((error: unknown) => logger.warn('live session sweep failed', { err: error as Error }))
      .finally(() => (sweeping = undefined));
    return sweeping;
  }

  return {
    /**
     * Call once a socket is registered: starts the sweep, and checks the socket at once (its user may have
     * been disabled between the upgrade's session lookup and now). Never rejects.
     */
    opened(socket: LiveSocket): Promise<void> {
      if (!timer) {
        timer = setInterval(sweep, deps.sweepMs ?? SWEEP_MS);
        timer.unref();
      }
      return check([socket]).catch((error: unknown) => logger.warn('live access check failed', { err: error as Error }));
    },
    /** Call when a socket closed, for whatever reason; the sweep stops with the last one. */
    closed(id: string): void {
      sockets.forget(id);
      if (sockets.size() === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    /**
     * Before acting on a message: re-reads the socket's session and user. False when the socket was
     * closed (session gone, user disabled). Rejects when the database cannot answer.
     */
    async current(socket: LiveSocket): Promise<boolean> {
      await check([socket]);
      return !socket.closed;
    },
    sweep,
  };
}

export type Access = ReturnType<typeof createAccess>;
