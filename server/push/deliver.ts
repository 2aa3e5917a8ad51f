/**
 * @module server/push/deliver — one push message to one subscription: web-push encrypts the payload (RFC 8291,
 * `aes128gcm` content coding of RFC 8188) and signs the VAPID token (RFC 8292); the POST itself (RFC 8030 §5) goes
 * through node:https to the addresses the notifier vetted (./address) and to no other: the request's `lookup`
 * answers only those, so a name that resolves elsewhere a moment later (DNS rebinding) cannot move it. The POST has
 * a timeout, can be aborted at shutdown, and follows no redirect (node:https never does).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import { generateRequestDetails } from 'web-push';
import type { ResolvedAddress } from './address';
import type { Subscription } from './subscription';
import type { Vapid } from './vapid';

/**
 * Tests only, never set by configuration: a fake push service on a local socket standing in for the internet.
 * `dial` maps a vetted (public) address to the socket actually connected to; `ca` is its certificate, trusted
 * besides the system's.
 */
export interface TestNetwork {
  ca?: string;
  dial?(address: ResolvedAddress): { address: string; family: 4 | 6; port: number };
}

export interface DeliverOptions {
  vapid: Vapid;
  /** Seconds the push service keeps the message for an offline device (RFC 8030 §5.2 `TTL`). */
  ttlSeconds: number;
  /** Pending messages with the same topic replace each other at the push service (RFC 8030 §5.4): ≤ 32 base64url characters. */
  topic: string;
  /** Milliseconds the push service has to answer (from the connection's start to the end of what is read). */
  timeoutMs: number;
  /** Aborts the request (shutdown). */
  signal?: AbortSignal;
  /** Where the endpoint's host is: the vetted addresses (./address vetHost), the only ones connected to; at least one. */
  addresses: ResolvedAddress[];
  /** The connections, pinned to the vetted addresses. */
  transport: Transport;
  testNetwork?: TestNetwork;
}

/**
 * `delivered`: the push service took it (2xx, 201 in RFC 8030 §5). `gone`: the subscription has expired or was
 * cancelled (404, 410) and must be deleted. `failed`: anything else — refused (400, 403: a token or key the service
 * does not accept, 413), throttled (429), a server error, a network error, or no answer in time (`timedOut`); the
 * subscription is kept.
 */
export type Delivery = { outcome: 'delivered'; status: number } | { outcome: 'gone'; status: number } | { outcome: 'failed'; status?: number; reason: string; timedOut?: boolean };

/** At most this much of a refusal's body is read, for the log. */
const REASON_BYTES = 300;

/** How long an idle kept-alive connection to a push service stays open. */
const IDLE_SOCKET_MS = 60_000;

/**
 * The connections to push services: one keep-alive Agent per origin, whose `lookup` answers only the addresses
 * vetted for that origin's host last (./address) and never asks DNS. So every socket opened goes to an address
 * that was vetted, a kept-alive socket stays where it was opened, and a name that resolves elsewhere a moment
 * later (DNS rebinding) cannot move a connection. (Bun's default agent would reuse a socket by host and port
 * whatever `lookup` a later request brings; an Agent of one's own is pooled on its own.)
 */
export interface Transport {
  /**
   * The Agent to POST to `url` with, its lookup pinned to `addresses` (at least one); `release()` once the request
   * is over (an Agent past the limit is closed only when none of its requests is in flight).
   */
  lease(url: URL, addresses: ResolvedAddress[]): { agent: HttpAgent; release(): void };
  /** Closes every connection (shutdown: requests still in flight are cut). */
  close(): void;
}

interface Pinned {
  agent: HttpAgent;
  addresses: ResolvedAddress[];
  inFlight: number;
}

/** A Transport; past `maxOrigins` Agents, the least recently used that is not in use is closed. */
export function createTransport(maxOrigins = 64): Transport {
  const agents = new Map<string, Pinned>();

  function open(url: URL, addresses: ResolvedAddress[]): Pinned {
    const lookup = ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      const all = pinned.addresses.map(({ address, family }) => ({ address, family }));
      if (options?.all) callback(null, all);
      else callback(null, all[0]!.address, all[0]!.family);
    }) as LookupFunction;
    const settings = { keepAlive: true, timeout: IDLE_SOCKET_MS, lookup };
    const pinned: Pinned = { agent: url.protocol === 'https:' ? new HttpsAgent(settings) : new HttpAgent(settings), addresses, inFlight: 0 };
    return pinned;
  }

  function evict(): void {
    for (const [origin, old] of agents) {
      if (agents.size <= maxOrigins) return;
      if (old.inFlight > 0) continue;
      old.agent.destroy();
      agents.delete(origin);
    }
  }

  return {
    lease(url, addresses) {
      if (addresses.length === 0) throw new Error('no address to connect to');
      const entry = agents.get(url.origin) ?? open(url, addresses);
      // Most recently used last, so the first entries are the ones to close.
      agents.delete(url.origin);
      agents.set(url.origin, entry);
      entry.addresses = addresses;
      entry.inFlight++;
      let released = false;
      return {
        agent: entry.agent,
        release() {
          if (released) return;
          released = true;
          entry.inFlight--;
          evict();
        },
      };
    },
    close() {
      for (const { agent } of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

function readReason(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const done = (text: string) => {
      response.destroy();
      resolve(text);
    };
    response.once('data', (chunk: Buffer) => done(chunk.subarray(0, REASON_BYTES).toString('utf8')));
    response.once('end', () => done(''));
    response.once('error', () => done(''));
  });
}

/**
 * Sends `payload` (UTF-8 JSON) with `Urgency: high` to `options.addresses`.
 * @throws only for a subscription web-push cannot encrypt to (parseSubscription has already refused those); the
 * network's and the push service's failures are a `failed` Delivery.
 */
export function deliver(subscription: Subscription, payload: string, options: DeliverOptions): Promise<Delivery> {
  const { vapid } = options;
  const details = generateRequestDetails({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
    vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: options.ttlSeconds,
    urgency: 'high',
    topic: options.topic,
    contentEncoding: 'aes128gcm',
  });
  const url = new URL(details.endpoint);
  const dialled = options.testNetwork?.dial?.(options.addresses[0]!);
  const lease = options.transport.lease(url, dialled ? [dialled] : options.addresses);
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: details.headers as Record<string, string | number>,
    agent: lease.agent,
    ...(dialled ? { port: dialled.port } : {}),
    ...(options.testNetwork?.ca ? { ca: options.testNetwork.ca } : {}),
  };
  const { promise, resolve } = Promise.withResolvers<Delivery>();
  const fail = (reason: string, timedOut = false) => resolve({ outcome: 'failed', reason, ...(timedOut ? { timedOut } : {}) });
  // The plain-http branch is only reached by the loopback test endpoints (checkEndpoint's allowLoopbackHttp).
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, requestOptions, (response) => {
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      response.resume();
      resolve({ outcome: 'delivered', status });
    } else if (status === 404 || status === 410) {
      response.resume();
      resolve({ outcome: 'gone', status });
    } else {
      void readReason(response).then((reason) => resolve({ outcome: 'failed', status, reason }));
    }
  });
  const timer = setTimeout(() => {
    fail(`no answer within ${options.timeoutMs} ms`, true);
    request.destroy();
  }, options.timeoutMs);
  const abort = () => {
    fail('aborted');
    request.destroy();
  };
  if (options.signal?.aborted) abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  request.on('error', (error) => fail(error.message));
  request.end(details.body ?? undefined);
  return promise.finally(() => {
    lease.release();
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
  });
}
