/**
 * @module server/whatsapp/meta/signature — the two checks at the door of Meta's webhook (Graph API "Webhooks: Getting
 * started", https://developers.facebook.com/docs/graph-api/webhooks/getting-started): the `X-Hub-Signature-256` header
 * of every POST, and the subscribe handshake of the GET Meta sends when the callback URL is set.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=` and 64 hex digits, as Meta writes the header (lower case; upper case is read too). */
const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/i;
/**
 * What a challenge we echo may be: Meta sends a number (`1158201444`); a plain token of up to 256 URL-safe characters
 * is echoed too, anything else (markup, spaces) is not, so the echo can never carry content of someone else's making.
 */
const CHALLENGE = /^[A-Za-z0-9._~-]{1,256}$/;

function hmac(appSecret: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', appSecret).update(body).digest();
}

/**
 * True when `header` (the `X-Hub-Signature-256` request header) is `sha256=` followed by the hex HMAC-SHA256 of the
 * request body keyed with the app secret. Pass the RAW body bytes as received: Meta signs its own serialisation (with
 * non-ASCII characters escaped as `\uXXXX`), which a re-serialised `JSON.parse` result does not reproduce. Compared in
 * constant time (`timingSafeEqual` on the two 32-byte digests). False, never a throw, for an empty secret, a missing
 * or malformed header, or another algorithm's header (`sha1=`, Meta's older `X-Hub-Signature`).
 */
export function verifyMetaSignature(appSecret: string, header: string | null | undefined, rawBody: Uint8Array | string): boolean {
  if (!appSecret || typeof header !== 'string') return false;
  const match = SIGNATURE_HEADER.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = hmac(appSecret, rawBody);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `X-Hub-Signature-256` value Meta would send for `body` (`sha256=` + lower-case hex): for tests and fakes. */
export function signMetaBody(appSecret: string, body: Uint8Array | string): string {
  return `sha256=${hmac(appSecret, body).toString('hex')}`;
}

/** The query of Meta's verification GET, as a URLSearchParams or a parsed object (Elysia's `query`). */
export type ChallengeQuery = URLSearchParams | Record<string, unknown>;

function param(query: ChallengeQuery, name: string): string | undefined {
  const value = query instanceof URLSearchParams ? query.get(name) : Object.hasOwn(query, name) ? query[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Equal strings, compared in constant time whatever their lengths (their SHA-256 digests are compared). */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}

/**
 * Meta's subscribe handshake: when `hub.mode` is `subscribe` and `hub.verify_token` equals ours (constant time), the
 * `hub.challenge` to answer with (200, as plain text); otherwise null (answer 403). An empty configured token verifies
 * nothing. A challenge that is not a plain token (see CHALLENGE) is not echoed: null.
 */
export function verifyChallenge(query: ChallengeQuery, verifyToken: string): string | null {
  const mode = param(query, 'hub.mode');
  const token = param(query, 'hub.verify_token');
  const challenge = param(query, 'hub.challenge');
  if (!verifyToken || mode !== 'subscribe' || token === undefined || challenge === undefined) return null;
  if (!sameSecret(token, verifyToken) || !CHALLENGE.test(challenge)) return null;
  return challenge;
}
