/** @module server/services/api-tokens — admin API tokens for the `wasap` CLI: shown once, stored as SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { apiTokens } from '../db/schema';

/** What a token's name may be: 1 to 60 letters, digits, spaces and `. @ _ -` (it shows in lists and the audit log). */
export const TOKEN_NAME_PATTERN = /^[\w .@-]{1,60}$/;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(db: Db, name: string, actor: string): Promise<{ id: number; token: string }> {
  const token = `wsp_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ name, tokenHash: hash(token) })
    .returning({ id: apiTokens.id });
  await recordAudit(db, { actor, action: 'api_token.created', targetType: 'api_token', targetId: row!.id, details: { name } });
  return { id: row!.id, token };
}

/** The token's row when it is valid and not revoked; `last_used_at` is touched at most once a minute. */
export async function verifyApiToken(db: Db, token: string | undefined): Promise<{ id: number; name: string } | null> {
  if (!token || !token.startsWith('wsp_') || token.length > 100) return null;
  const [row] = await db
    .select({ id: apiTokens.id, name: apiTokens.name, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hash(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  }
  return { id: row.id, name: row.name };
}

export async function revokeApiToken(db: Db, id: number, actor: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (rows.length) await recordAudit(db, { actor, action: 'api_token.revoked', targetType: 'api_token', targetId: id });
  return rows.length > 0;
}

/** A token as the admin API and `wasap token list` show it (never its value or hash); dates as ISO 8601 or null. */
export function tokenView(row: Awaited<ReturnType<typeof listApiTokens>>[number]) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: iso(row.lastUsedAt), revokedAt: iso(row.revokedAt) };
}

export async function listApiTokens(db: Db) {
  return db.select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt }).from(apiTokens);
}
