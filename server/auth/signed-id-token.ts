/**
 * @module server/auth/signed-id-token — signed, expiring tokens that name one row by id and nothing else, for links sent
 * outside the app: `<prefix>.<id>.<expiry, epoch seconds>.<HMAC-SHA256, base64url>`. The HMAC covers a purpose string
 * as well as the id and expiry, so a token made for one purpose (a form link) never verifies for another (a guardian's
 * link). Used by server/forms/link and server/privacy/guardian-token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `prefix`: the token's first part (`v1`, `g1`); `purpose`: what the HMAC is bound to (`wasap-form:v1`). */
export interface TokenKind {
  prefix: string;
  purpose: string;
}

export type IdTokenCheck = { ok: true; id: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

function sign(kind: TokenKind, secret: string, id: number, expiresSec: number): string {
  return createHmac('sha256', secret).update(`${kind.purpose}:${id}:${expiresSec}`).digest('base64url');
}

/** A token for row `id` valid `ttlMs` milliseconds from `now` (epoch ms), to the second. */
export function createIdToken(kind: TokenKind, secret: string, id: number, now: number, ttlMs: number): string {
  const expiresSec = Math.floor((now + ttlMs) / 1000);
  return `${kind.prefix}.${id}.${expiresSec}.${sign(kind, secret, id, expiresSec)}`;
}

/** `invalid` for anything malformed, tampered or made for another kind; `expired` once its time has passed (at `now`, epoch ms). */
export function verifyIdToken(kind: TokenKind, secret: string, token: string, now: number): IdTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== kind.prefix) return { ok: false, reason: 'invalid' };
  const [, idText, expiresText, mac] = parts as [string, string, string, string];
  // One spelling per token (no leading zeros): limits keyed on the token cannot be dodged by padding it.
  if (!/^[1-9]\d{0,9}$/.test(idText) || !/^[1-9]\d{0,11}$/.test(expiresText) || !/^[A-Za-z0-9_-]{43}$/.test(mac)) return { ok: false, reason: 'invalid' };
  const id = Number(idText);
  const expiresSec = Number(expiresText);
  const expected = Buffer.from(sign(kind, secret, id, expiresSec));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (expiresSec * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, id, expiresAt: new Date(expiresSec * 1000) };
}
