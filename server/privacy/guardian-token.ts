/**
 * @module server/privacy/guardian-token — the signed, expiring link a minor's guardian authorises through
 * (Decree 1377 Art. 12): PUBLIC_URL/g/<token>. Signed with the install's secret like the form link (server/forms/link)
 * but under its own purpose and prefix, so a form token is never a guardian token nor the other way round.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 14 days: long enough for a parent to be reached, short enough that a forwarded link goes stale (GUARDIAN_LINK_TTL). */
export const DEFAULT_GUARDIAN_LINK_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type GuardianTokenCheck = { ok: true; guardianId: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

const SHAPE = /^g1\.(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function sign(secret: string, guardianId: number, expiresSec: number): string {
  return createHmac('sha256', secret).update(`wasap-guardian:v1:${guardianId}:${expiresSec}`).digest('base64url');
}

/** `g1.<guardian id>.<expiry, epoch seconds>.<HMAC-SHA256>`: no name, number or document in the URL. */
export function createGuardianToken(secret: string, guardianId: number, now: number, ttlMs = DEFAULT_GUARDIAN_LINK_TTL_MS): string {
  const expiresSec = Math.floor((now + ttlMs) / 1000);
  return `g1.${guardianId}.${expiresSec}.${sign(secret, guardianId, expiresSec)}`;
}

/** `invalid` for anything malformed, tampered or signed for another purpose; `expired` once its time has passed. */
export function verifyGuardianToken(secret: string, token: string, now: number): GuardianTokenCheck {
  const match = SHAPE.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const guardianId = Number(match[1]);
  const expiresSec = Number(match[2]);
  const expected = Buffer.from(sign(secret, guardianId, expiresSec));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (expiresSec * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, guardianId, expiresAt: new Date(expiresSec * 1000) };
}

export function guardianLink(publicUrl: string, token: string): string {
  return `${publicUrl}/g/${token}`;
}
