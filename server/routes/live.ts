/** @module server/routes/live — one WebSocket per recruiter tab: authenticated by the session, subscribed only to what the viewer may see. */
import { Elysia, t } from 'elysia';
import { PresencePush } from '../../views/inbox/presence';
import { authPlugin } from '../auth/plugin';
import type { Db } from '../db/client';
import { canSee } from '../db/queries/inbox';
import type { Logger } from '../logger';
import type { Hub } from '../realtime/hub';
import type { Presence } from '../realtime/presence';
import { conversationTopic, listTopicsFor } from '../realtime/topics';

export interface LiveDeps {
  db: Db;
  hub: Hub;
  presence: Presence;
  secureCookies: boolean;
  publicUrl: string;
  logger: Logger;
  /** Set here, called by the inbox routes after an assignment: viewers who lost access are unsubscribed. */
  access: { changed?: (conversationId: number) => Promise<void> };
}

const message = t.Object({
  type: t.UnionEnum(['viewing', 'typing', 'leaving', 'list']),
  conversationId: t.Optional(t.Numeric({ minimum: 1, maximum: 2_147_483_647 })),
  // With type 'list': the filters on screen, so only rows that belong in this tab are pushed to it.
  scope: t.Optional(t.UnionEnum(['mine', 'unassigned', 'all'])),
  status: t.Optional(t.String({ maxLength: 20 })),
  q: t.Optional(t.String({ maxLength: 200 })),
  // htmx's hx-ws:send puts the request headers (HX-Request, HX-Current-URL, …) into every message.
  headers: t.Optional(t.Record(t.String(), t.Unknown())),
});

/** A page of ours opened the socket: the browser's Origin is our public origin or the host it connected to. */
function sameOrigin(request: Request, publicUrl: string): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const host = request.headers.get('host');
  return origin === new URL(publicUrl).origin || (host !== null && new URL(origin).host === host);
}

export function liveRoutes(deps: LiveDeps) {
  const viewing = new Map<string, number>();
  /** The list topics each socket hears, for the filters its tab shows. */
  const listening = new Map<string, string[]>();
  const sockets = new Map<string, { user: { id: number; role: 'admin' | 'recruiter' }; unsubscribe: (topic: string) => void; send: (data: string) => void }>();

  deps.access.changed = async function recheck(conversationId: number): Promise<void> {
    for (const [socketId, current] of viewing) {
      const socket = sockets.get(socketId);
      if (current !== conversationId || !socket) continue;
      if (!(await canSee(deps.db, socket.user, conversationId))) leave(socketId, socket.unsubscribe);
    }
  };

  /** Each tab gets its own line: the others viewing or typing, never the viewer themself. */
  async function publishPresence(conversationId: number): Promise<void> {
    const people = deps.presence.people(conversationId);
    for (const [socketId, current] of viewing) {
      const socket = sockets.get(socketId);
      if (current === conversationId && socket) socket.send(await PresencePush({ conversationId, people, viewerId: socket.user.id }));
    }
  }

  function leave(socketId: string, unsubscribe?: (topic: string) => void): void {
    const previous = viewing.get(socketId);
    if (previous === undefined) return;
    viewing.delete(socketId);
    deps.presence.leave(socketId, previous);
    unsubscribe?.(conversationTopic(previous));
    void publishPresence(previous);
  }

  return new Elysia({ name: 'live' }).use(authPlugin({ db: deps.db, secureCookies: deps.secureCookies })).ws('/live', {
    requireUser: true,
    body: message,
    open(ws) {
      if (!sameOrigin(ws.data.request, deps.publicUrl)) return ws.close(1008, 'cross-origin');
      listening.set(ws.id, listTopicsFor(ws.data.user, { scope: 'all' }));
      for (const topic of listening.get(ws.id)!) ws.subscribe(topic);
      sockets.set(ws.id, { user: ws.data.user, unsubscribe: (topic) => ws.unsubscribe(topic), send: (data) => void ws.send(data) });
    },
    async message(ws, body) {
      const user = ws.data.user;
      if (body.type === 'list') {
        for (const topic of listening.get(ws.id) ?? []) ws.unsubscribe(topic);
        const topics = listTopicsFor(user, { scope: body.scope ?? 'all', status: body.status, q: body.q });
        for (const topic of topics) ws.subscribe(topic);
        listening.set(ws.id, topics);
        // A data-only acknowledgement (htmx swaps nothing for JSON without `content`).
        return ws.send(JSON.stringify({ type: 'list', listening: topics.length }));
      }
      const conversationId = body.conversationId;
      if (conversationId === undefined) return;
      if (body.type === 'leaving') return leave(ws.id, (topic) => ws.unsubscribe(topic));
      if (body.type === 'typing') {
        if (viewing.get(ws.id) === conversationId && deps.presence.typing(ws.id, conversationId)) await publishPresence(conversationId);
        return;
      }
      // Access is checked on every subscription: nothing of a conversation the viewer may not see is ever sent.
      if (!(await canSee(deps.db, user, conversationId))) return ws.send(JSON.stringify({ error: 'not allowed' }));
      if (viewing.get(ws.id) !== conversationId) leave(ws.id, (topic) => ws.unsubscribe(topic));
      viewing.set(ws.id, conversationId);
      ws.subscribe(conversationTopic(conversationId));
      deps.presence.view(ws.id, conversationId, user);
      await publishPresence(conversationId);
    },
    close(ws) {
      leave(ws.id);
      sockets.delete(ws.id);
      listening.delete(ws.id);
    },
  });
}
