/**
 * @module server/privacy/guardian-token — the signed, expiring link a minor's guardian authorises through
 * (Decree 1377 Art. 12): PUBLIC_URL/g/<token>. Signed with the install's secret like the form link (server/forms/link)
 * but under its own purpose and prefix, so a form token is never a guardian token nor the other way round.
 */
import { createIdToken, verifyIdToken } from '../auth/signed-id-token';

/** 14 days: long enough for a parent to be reached, short enough that a forwarded link goes stale (GUARDIAN_LINK_TTL). */
export const DEFAULT_GUARDIAN_LINK_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type GuardianTokenCheck = { ok: true; guardianId: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

const GUARDIAN_TOKEN = { prefix: 'g1', purpose: 'wasap-guardian:v1' };

/** `g1.<guardian id>.<expiry, epoch seconds>.<HMAC-SHA256>`: no name, number or document in the URL. */
export function createGuardianToken(secret: string, guardianId: number, now: number, ttlMs = DEFAULT_GUARDIAN_LINK_TTL_MS): string {
  return createIdToken(GUARDIAN_TOKEN, secret, guardianId, now, ttlMs);
}

/** `invalid` for anything malformed, tampered or signed for another purpose; `expired` once its time has passed. */
export function verifyGuardianToken(secret: string, token: string, now: number): GuardianTokenCheck {
  const check = verifyIdToken(GUARDIAN_TOKEN, secret, token, now);
  return check.ok ? { ok: true, guardianId: check.id, expiresAt: check.expiresAt } : check;
}

export function guardianLink(publicUrl: string, token: string): string {
  return `${publicUrl}/g/${token}`;
}
