/**
 * @module server/push/deliver — one push message to one subscription: web-push encrypts the payload (RFC 8291,
 * `aes128gcm` content coding of RFC 8188) and signs the VAPID token (RFC 8292); the POST itself (RFC 8030 §5) goes
 * through fetch, so it has a timeout, can be aborted at shutdown and follows no redirect.
 */
import { generateRequestDetails } from 'web-push';
import type { Subscription } from './subscription';
import type { Vapid } from './vapid';

export interface DeliverOptions {
  vapid: Vapid;
  /** Seconds the push service keeps the message for an offline device (RFC 8030 §5.2 `TTL`). */
  ttlSeconds: number;
  /** Pending messages with the same topic replace each other at the push service (RFC 8030 §5.4): ≤ 32 base64url characters. */
  topic: string;
  /** Milliseconds the push service has to answer. */
  timeoutMs: number;
  /** Aborts the request (shutdown). */
  signal?: AbortSignal;
}

/**
 * `delivered`: the push service took it (201). `gone`: the subscription has expired or was cancelled (404, 410) and
 * must be deleted. `failed`: anything else — refused (400, 403: a token or key the service does not accept, 413),
 * throttled (429), a server error, a timeout or a network error; the subscription is kept.
 */
export type Delivery = { outcome: 'delivered'; status: number } | { outcome: 'gone'; status: number } | { outcome: 'failed'; status?: number; reason: string };

/** At most this much of a refusal's body is read, for the log. */
const REASON_BYTES = 300;

async function reasonOf(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const { value } = await reader.read().catch(() => ({ value: undefined }));
  await reader.cancel().catch(() => {});
  return value ? new TextDecoder().decode(value.slice(0, REASON_BYTES)) : '';
}

/**
 * Sends `payload` (UTF-8 JSON) with `Urgency: high`.
 * @throws only for a subscription web-push cannot encrypt to (parseSubscription has already refused those); the
 * network's and the push service's failures are a `failed` Delivery.
 */
export async function deliver(subscription: Subscription, payload: string, options: DeliverOptions): Promise<Delivery> {
  const { vapid } = options;
  const details = generateRequestDetails({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
    vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: options.ttlSeconds,
    urgency: 'high',
    topic: options.topic,
    contentEncoding: 'aes128gcm',
  });
  const headers = new Headers();
  // fetch sets Content-Length from the body itself.
  for (const [name, value] of Object.entries(details.headers)) if (name.toLowerCase() !== 'content-length') headers.set(name, String(value));
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await fetch(details.endpoint, { method: 'POST', headers, body: details.body ? new Uint8Array(details.body) : null, redirect: 'manual', signal: AbortSignal.any(signals) });
  } catch (error) {
    return { outcome: 'failed', reason: (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (error as Error).message };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {});
    return { outcome: 'delivered', status: response.status };
  }
  const reason = await reasonOf(response);
  if (response.status === 404 || response.status === 410) return { outcome: 'gone', status: response.status };
  return { outcome: 'failed', status: response.status, reason };
}
