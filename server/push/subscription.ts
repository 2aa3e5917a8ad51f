/**
 * @module server/push/subscription — a browser's PushSubscription (its `toJSON()`: endpoint and keys), checked at the
 * edge before it is stored: the server will POST to the endpoint, so only a push service's https URL is taken.
 */
import { createECDH } from 'node:crypto';
import { AppError } from '../errors';

/** What is stored and pushed to: the endpoint (RFC 8030 push resource) and the RFC 8291 keys, base64url. */
export interface Subscription {
  endpoint: string;
  /** The browser's P-256 public key: 65 bytes, uncompressed (0x04 ‖ x ‖ y). */
  p256dh: string;
  /** The browser's authentication secret: 16 bytes. */
  auth: string;
}

export interface EndpointRules {
  /**
   * Tests only: also `http://127.0.0.1:<port>` and `http://[::1]:<port>`, for a fake push service on a local socket.
   * Never set by configuration: a real browser's endpoint is always https.
   */
  allowLoopbackHttp?: boolean;
}

/** Longest endpoint accepted: real ones are 150–600 characters (FCM, Mozilla's autopush, Apple, Windows). */
export const MAX_ENDPOINT_LENGTH = 2048;

/** 422: the subscription is not one a browser makes; says which field and what it must be. */
export class InvalidSubscriptionError extends AppError {
  override readonly code = 'PUSH_SUBSCRIPTION_INVALID' as const;
  constructor(
    readonly field: string,
    expected: string,
  ) {
    super('PUSH_SUBSCRIPTION_INVALID', 422, `${field}: expected ${expected}. Send the browser's PushSubscription as JSON ({"endpoint","keys":{"p256dh","auth"}}).`);
  }
}

/**
 * Names that only ever mean this machine or its network (RFC 6761 localhost, RFC 6762 .local, RFC 8375 home.arpa,
 * cloud metadata names under .internal) or that map any IP into DNS (nip.io, sslip.io): never a push service.
 */
const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|home\.arpa|lan|intranet|corp|nip\.io|sslip\.io|localtest\.me)$/;

/** The endpoints `allowLoopbackHttp` lets through: a fake push service's socket, `http://127.0.0.1:<port>/` or `http://[::1]:<port>/`. */
export const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}\//;

/**
 * An https URL on the default port naming a host (an IP literal or `localhost` is no push service): the server
 * POSTs to it, so it must not be turned into a way to reach addresses inside the network. This judges only how the
 * host is written; where the name resolves is checked before each POST (./address, ./notifier).
 */
export function checkEndpoint(raw: unknown, rules: EndpointRules = {}): string {
  const expected = `an https URL of a push service, at most ${MAX_ENDPOINT_LENGTH} characters`;
  if (typeof raw !== 'string' || raw.length > MAX_ENDPOINT_LENGTH || /[\s\u0000-\u001f\u007f]/.test(raw)) throw new InvalidSubscriptionError('endpoint', expected);
  if (rules.allowLoopbackHttp && LOOPBACK_HTTP.test(raw)) return raw;
  const url = URL.parse(raw);
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.port !== '') throw new InvalidSubscriptionError('endpoint', expected);
  // `localhost.` is `localhost`: a trailing dot only makes a name absolute.
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  const ipLiteral = host.startsWith('[') || /^[\d.]+$/.test(host);
  if (ipLiteral || !host.includes('.') || INTERNAL_NAMES.test(host)) throw new InvalidSubscriptionError('endpoint', expected);
  return raw;
}

/** base64url without padding (a trailing `=` is tolerated and dropped), decoded to exactly `bytes` bytes. */
function key(raw: unknown, field: string, bytes: number): { text: string; value: Buffer } {
  const expected = `${bytes} bytes in base64url`;
  if (typeof raw !== 'string' || raw.length > 128) throw new InvalidSubscriptionError(field, expected);
  const text = raw.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidSubscriptionError(field, expected);
  const value = Buffer.from(text, 'base64url');
  if (value.length !== bytes || value.toString('base64url') !== text) throw new InvalidSubscriptionError(field, expected);
  return { text, value };
}

/** Whether `point` is on P-256: a key off the curve could not be encrypted to (and is a classic invalid-curve probe). */
function onCurve(point: Buffer): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}

/**
 * The subscription from the browser's JSON.
 * @throws InvalidSubscriptionError (422) naming the first field that is wrong.
 */
export function parseSubscription(input: unknown, rules: EndpointRules = {}): Subscription {
  const body = (typeof input === 'object' && input !== null ? input : {}) as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  const endpoint = checkEndpoint(body.endpoint, rules);
  const keys = typeof body.keys === 'object' && body.keys !== null ? body.keys : {};
  const p256dh = key(keys.p256dh, 'keys.p256dh', 65);
  if (p256dh.value[0] !== 4 || !onCurve(p256dh.value)) throw new InvalidSubscriptionError('keys.p256dh', 'an uncompressed P-256 public key (65 bytes in base64url)');
  const auth = key(keys.auth, 'keys.auth', 16);
  return { endpoint, p256dh: p256dh.text, auth: auth.text };
}
