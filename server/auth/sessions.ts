/** @module server/auth/sessions — sign-in sessions: a random cookie token, stored only as its SHA-256, with idle and absolute expiry. */
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { toPublicUser, type PublicUser } from '../db/queries/users';
import { sessions, users } from '../db/schema';
import { announceAccessChange } from './access-events';

/**
 * Lifetimes: a session ends after 12 hours without a request (a recruiter's working day) and
 * 7 days after sign-in whatever happens, so a stolen cookie is not useful for long.
 */
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often: one UPDATE per minute per session, not per request. */
export const SESSION_TOUCH_MS = 60_000;

export type SessionRow = typeof sessions.$inferSelect;

export interface NewSession {
  /** The cookie value: 32 random bytes, base64url. Never stored, never logged. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SignedIn {
  user: PublicUser;
  session: SessionRow;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

export function hashToken(token: string): string {
  return new Bun.CryptoHasher('sha256').update(token).digest('hex');
}

function expiryAt(createdAt: Date, seenAt: Date): Date {
  return new Date(Math.min(seenAt.getTime() + SESSION_IDLE_MS, createdAt.getTime() + SESSION_ABSOLUTE_MS));
}

export async function createSession(db: Db, userId: number, now: Date): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = expiryAt(now, now);
  // Sweeping this user's dead sessions here keeps the table small without a background job.
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lte(sessions.expiresAt, now)));
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** The signed-in user, or null when the token is unknown, expired, or its user is disabled. */
export async function lookupSession(db: Db, token: string | undefined, now: Date): Promise<SignedIn | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now), eq(users.disabled, false)))
    .limit(1);
  if (!row) return null;
  const session = now.getTime() - row.session.lastSeenAt.getTime() >= SESSION_TOUCH_MS ? await touch(db, row.session, now) : row.session;
  return { user: toPublicUser(row.user), session };
}

/**
 * Of `tokenHashes`, the sessions still valid at `now` (not expired, user not disabled), by hash, with
 * the user's id and current role: what an open WebSocket re-checks, for one socket or a sweep of all.
 * Unlike lookupSession it is not activity (the idle expiry does not move).
 */
export async function liveSessions(db: Db, tokenHashes: string[], now: Date): Promise<Map<string, { userId: number; role: PublicUser['role']; locale: string | null; timeZone: string | null }>> {
  if (tokenHashes.length === 0) return new Map();
  const rows = await db
    .select({ tokenHash: sessions.tokenHash, userId: users.id, role: users.role, locale: users.locale, timeZone: users.timeZone })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inArray(sessions.tokenHash, tokenHashes), gt(sessions.expiresAt, now), eq(users.disabled, false)));
  return new Map(rows.map((row) => [row.tokenHash, { userId: row.userId, role: row.role, locale: row.locale, timeZone: row.timeZone }]));
}

async function touch(db: Db, session: SessionRow, now: Date): Promise<SessionRow> {
  const expiresAt = expiryAt(session.createdAt, now);
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.tokenHash, session.tokenHash));
  return { ...session, lastSeenAt: now, expiresAt };
}

/** Signs one session out; its open sockets are closed before this resolves (see access-events). */
export async function destroySession(db: Db, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  await announceAccessChange(db, { type: 'session.ended', tokenHash });
}

/** For a periodic sweep (the lead may schedule it); lookups already ignore expired rows. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const gone = await db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ tokenHash: sessions.tokenHash });
  return gone.length;
}
