/** @module server/forms/link — signed, expiring form links bound to one aspirant: PUBLIC_URL/f/<token>. */
import { createIdToken, verifyIdToken } from '../auth/signed-id-token';

export const DEFAULT_FORM_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type TokenCheck = { ok: true; aspirantId: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

const FORM_TOKEN = { prefix: 'v1', purpose: 'wasap-form:v1' };

/** `v1.<aspirant id>.<expiry, epoch seconds>.<HMAC-SHA256>` — no phone number or name in the URL. */
export function createFormToken(secret: string, aspirantId: number, now: number, ttlMs = DEFAULT_FORM_LINK_TTL_MS): string {
  return createIdToken(FORM_TOKEN, secret, aspirantId, now, ttlMs);
}

/** `invalid` for anything malformed, tampered or not a form token; `expired` once its time has passed. */
export function verifyFormToken(secret: string, token: string, now: number): TokenCheck {
  const check = verifyIdToken(FORM_TOKEN, secret, token, now);
  return check.ok ? { ok: true, aspirantId: check.id, expiresAt: check.expiresAt } : check;
}

export function formLink(publicUrl: string, token: string): string {
  return `${publicUrl}/f/${token}`;
}
