/** @module server/forms/link — signed, expiring form links bound to one aspirant: PUBLIC_URL/f/<token>. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_FORM_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type TokenCheck = { ok: true; aspirantId: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

function sign(secret: string, aspirantId: number, expiresSec: number): string {
  return createHmac('sha256', secret).update(`wasap-form:v1:${aspirantId}:${expiresSec}`).digest('base64url');
}

/** `v1.<aspirant id>.<expiry, epoch seconds>.<HMAC-SHA256>` — no phone number or name in the URL. */
export function createFormToken(secret: string, aspirantId: number, now: number, ttlMs = DEFAULT_FORM_LINK_TTL_MS): string {
  const expiresSec = Math.floor((now + ttlMs) / 1000);
  return `v1.${aspirantId}.${expiresSec}.${sign(secret, aspirantId, expiresSec)}`;
}

export function verifyFormToken(secret: string, token: string, now: number): TokenCheck {
  const match = /^v1\.(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const aspirantId = Number(match[1]);
  const expiresSec = Number(match[2]);
  const expected = Buffer.from(sign(secret, aspirantId, expiresSec));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (expiresSec * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, aspirantId, expiresAt: new Date(expiresSec * 1000) };
}

export function formLink(publicUrl: string, token: string): string {
  return `${publicUrl}/f/${token}`;
}
