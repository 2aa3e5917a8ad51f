/**
 * @module server/auth/access-events — in-process announcements that someone's access changed (a user
 * disabled or re-roled, a session ended, a conversation reassigned), so open sockets are closed or
 * re-scoped at once instead of at their next message.
 */
import type { Db } from '../db/client';

export type AccessChange =
  /** Disabled, enabled, role changed or signed out everywhere: re-read the user and her sessions. */
  | { type: 'user.changed'; userId: number }
  /** One session was deleted (sign-out): its sockets close. */
  | { type: 'session.ended'; tokenHash: string }
  /** A conversation has a new assignee (null: unassigned): viewers who may no longer see it stop hearing it. */
  | { type: 'conversation.reassigned'; conversationId: number; assigneeId: number | null };

export type AccessListener = (change: AccessChange) => void | Promise<void>;

/**
 * Keyed by the database handle rather than held in a module-wide set: the writers (user services,
 * the session store, the pusher) are shared with the CLI and with routes this module does not wire,
 * and every one of them already holds the handle. Several apps in one process (tests) stay apart,
 * and a handle that is dropped takes its listeners with it. A change made through another handle
 * (a transaction, the CLI in another process) is not heard here: sockets re-check on every message
 * and on a periodic sweep for that.
 */
const listeners = new WeakMap<Db, Set<AccessListener>>();

/** Hears every change announced on `db` from now on; returns the function that stops listening. */
export function onAccessChange(db: Db, listener: AccessListener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(listener);
  return function stopListening() {
    set.delete(listener);
  };
}

/**
 * Tells the listeners on `db`. Each runs synchronously up to its first await, so whatever a listener
 * revokes without asking the database has taken effect when this returns; the promise settles when
 * the rest is done. Never rejects: the change is already written, and a listener that failed is
 * covered by the sockets' own re-checks (listeners log their own errors).
 */
export function announceAccessChange(db: Db, change: AccessChange): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (const listener of listeners.get(db) ?? []) {
    try {
      const result = listener(change);
      if (result) pending.push(result);
    } catch {
      // A throwing listener must not stop the others, nor fail the write that announced.
    }
  }
  return Promise.allSettled(pending).then(() => undefined);
}
