/**
 * @module server/routes/live — one WebSocket per recruiter tab: authenticated by the session, subscribed
 * only to what the viewer may see, and kept there while access changes (realtime/access).
 */
import { Elysia } from 'elysia';
import { authPlugin } from '../auth/plugin';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { Hub } from '../realtime/hub';
import { createAccess, type Access } from '../realtime/access';
import { parseLiveMessage } from '../realtime/live-messages';
import type { Presence } from '../realtime/presence';
import { createSockets, type LiveSocket, type Sockets } from '../realtime/sockets';

export interface LiveDeps {
  db: Db;
  /** Where pushes are published; each socket subscribes as its user's reader (language and zone). */
  hub: Hub;
  presence: Presence;
  secureCookies: boolean;
  publicUrl: string;
  logger: Logger;
  /** How often open sockets' sessions are re-checked for changes made outside this process (default realtime/access SWEEP_MS). */
  sweepMs?: number;
}

/** Policy violation: a handshake from another site (also `Origin: null` or an unparsable Origin), or a flood of messages. */
export const POLICY_CLOSE = 1008;
/**
 * Messages are handled one at a time per socket (in order, each after a database check); a client that
 * sends more than this many before the first are done is flooding, and is closed with 1008.
 */
export const MAX_PENDING_MESSAGES = 64;

// Data-only answers: htmx swaps nothing for JSON without `content`.
const NOT_ALLOWED = JSON.stringify({ error: 'not allowed' });
const BAD_MESSAGE = JSON.stringify({ error: 'bad message' });
const TRY_AGAIN = JSON.stringify({ error: 'try again' });

/**
 * A page of ours opened the socket: the browser's Origin is our public origin, or a web page (http: or https:)
 * on the host it connected to — the same host serves both, and behind a proxy the scheme the browser used is not
 * known here. Browsers always send Origin on a WebSocket handshake, so a missing one is a non-browser client
 * that no other site can drive; `null` (sandboxed frames, file: pages), other schemes (ws:) and anything
 * unparsable are foreign.
 */
export function sameOrigin(request: Request, publicOrigin: string): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  const parsed = URL.parse(origin);
  if (!parsed || parsed.origin === 'null') return false;
  const host = request.headers.get('host');
  const page = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  return parsed.origin === publicOrigin || (page && host !== null && parsed.host === host);
}

/** What one message asks; the answer to send back, if any. Never runs for a socket whose session is gone. */
async function answer(sockets: Sockets, access: Access, socket: LiveSocket, raw: unknown): Promise<string | undefined> {
  if (!(await access.current(socket))) return undefined;
  const message = parseLiveMessage(raw);
  if (!message) return BAD_MESSAGE;
  switch (message.type) {
    case 'list':
      return JSON.stringify({ type: 'list', listening: sockets.listen(socket, message.filters) });
    case 'leaving':
      sockets.leave(socket);
      return undefined;
    case 'typing':
      await sockets.typing(socket, message.conversationId);
      return undefined;
    case 'viewing':
      // Access is checked on every subscription: nothing of a conversation the viewer may not see is ever sent.
      return (await sockets.view(socket, message.conversationId)) ? undefined : NOT_ALLOWED;
  }
}

export function liveRoutes(deps: LiveDeps) {
  const publicOrigin = new URL(deps.publicUrl).origin;
  const sockets = createSockets({ db: deps.db, presence: deps.presence, hub: deps.hub });
  const access = createAccess({ db: deps.db, sockets, logger: deps.logger, sweepMs: deps.sweepMs });
  /** Per socket: the messages not yet handled, chained so they run in the order they came. */
  const queues = new Map<string, { pending: number; tail: Promise<void> }>();

  return new Elysia({ name: 'live' }).use(authPlugin({ db: deps.db, secureCookies: deps.secureCookies })).ws('/live', {
    requireUser: true,
    open(ws) {
      if (!sameOrigin(ws.data.request, publicOrigin)) return ws.close(POLICY_CLOSE, 'cross-origin');
      const handle = {
        subscribe: (topic: string) => ws.subscribe(topic),
        unsubscribe: (topic: string) => ws.unsubscribe(topic),
        send: (data: string) => void ws.send(data),
        close: (code: number, reason: string) => ws.close(code, reason),
      };
      const socket = sockets.open(ws.id, handle, ws.data.user, ws.data.session.tokenHash);
      queues.set(ws.id, { pending: 0, tail: Promise.resolve() });
      return access.opened(socket);
    },
    message(ws, raw) {
      const socket = sockets.get(ws.id);
      const queue = queues.get(ws.id);
      if (!socket || !queue) return;
      if (queue.pending >= MAX_PENDING_MESSAGES) return sockets.revoke(socket, POLICY_CLOSE, 'too many messages');
      queue.pending++;
      queue.tail = queue.tail
        .then(() => answer(sockets, access, socket, raw))
        .then(
          (reply) => void (reply && !socket.closed && ws.send(reply)),
          (error: unknown) => {
            // The client learns only that it may try again; the reason goes to the log.
            deps.logger.error('live message failed', { err: error as Error });
            if (!socket.closed) ws.send(TRY_AGAIN);
          },
        )
        .finally(() => void queue.pending--);
    },
    close(ws) {
      queues.delete(ws.id);
      access.closed(ws.id);
    },
  });
}
