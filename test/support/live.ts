/** @module test/support/live — signed-in people and /live sockets that record what they hear, for socket tests. */
import { createSession } from '../../server/auth/sessions';
import { insertUser } from '../../server/db/queries/users';
import { conversations } from '../../server/db/schema';
import type { TestApp } from './app';
import { inbound } from './bot';

export interface Person {
  id: number;
  name: string;
  email: string;
  cookie: string;
  csrf: string;
}

/** A user with one session; her password hash is a placeholder (nobody signs in with it). */
export async function person(t: TestApp, name: string, role: 'admin' | 'recruiter'): Promise<Person> {
  const email = `${name.toLowerCase()}@agency.co`;
  const user = await insertUser(t.database.db, { email, name, role, passwordHash: 'x' });
  const session = await createSession(t.database.db, user.id, new Date());
  return { id: user.id, name, email, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
}

/** A form POST as `who`, with her CSRF token. */
export function post(t: TestApp, who: Person, path: string, fields: Record<string, string> = {}): Promise<Response> {
  const headers = { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
  return t.request(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
}

/** One new aspirant message in the conversation of `key`, committed (and so pushed) when this resolves. */
export async function aspirantWrites(t: TestApp, key: string, text: string): Promise<void> {
  await t.services.conversations.acceptInbound(inbound(key, text));
  await t.services.conversations.registry.ask(key, () => null);
}

/** Conversations (by WhatsApp number) and their ids, oldest first. */
export async function conversationsOf(t: TestApp, keys: string[]): Promise<number[]> {
  for (const key of keys) await aspirantWrites(t, key, `hola desde ${key}`);
  return (await t.database.db.select({ id: conversations.id }).from(conversations).orderBy(conversations.id)).map((row) => row.id);
}

export interface LiveClient extends Disposable {
  socket: WebSocket;
  /** Every frame received, in order. */
  received: string[];
  opened: Promise<void>;
  /** The close code, once the socket is closed by either side (-1: it never opened). */
  closed: Promise<number>;
  /** The first frame (already received or still to come) that matches. */
  frame(match: (data: string) => boolean): Promise<string>;
  send(message: unknown): void;
}

/** A /live socket of the server at `url`; `headers` go on the handshake (a cookie, an Origin). */
export function openLive(url: string, headers: Record<string, string>): LiveClient {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/live`, { headers } as never);
  const received: string[] = [];
  const waiters = new Set<{ match: (data: string) => boolean; resolve: (data: string) => void }>();
  const opened = Promise.withResolvers<void>();
  const closed = Promise.withResolvers<number>();
  let open = false;
  socket.onopen = () => ((open = true), opened.resolve());
  socket.onclose = (event) => closed.resolve(open ? event.code : -1);
  socket.onmessage = (event) => {
    const data = String(event.data);
    received.push(data);
    for (const waiter of waiters) if (waiter.match(data)) (waiters.delete(waiter), waiter.resolve(data));
  };
  return {
    socket,
    received,
    opened: opened.promise,
    closed: closed.promise,
    frame(match) {
      const seen = received.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      const { promise, resolve } = Promise.withResolvers<string>();
      waiters.add({ match, resolve });
      return promise;
    },
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    [Symbol.dispose]() {
      socket.close();
    },
  };
}

/** A signed-in socket, open and listening to its default lists. */
export async function connect(url: string, who: Person): Promise<LiveClient> {
  const client = openLive(url, { cookie: who.cookie });
  await client.opened;
  return client;
}

const isListAck = (data: string) => data.startsWith('{"type":"list"');

/**
 * Resolves once the server has handled every message sent on `client` before: it handles them in order,
 * and answers a `list` message (here: scope all, no filter, the default) with an acknowledgement.
 * Send no other `list` message without awaiting its answer first.
 */
export async function settled(client: LiveClient): Promise<void> {
  const acks = () => client.received.filter(isListAck).length;
  const before = acks();
  client.send({ type: 'list', scope: 'all' });
  await client.frame(() => acks() > before);
}
