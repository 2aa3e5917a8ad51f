/** @module server/db/queries/users — user rows: create, list, find, disable, change password. */
import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { sessions, users } from '../schema';

export type UserRow = typeof users.$inferSelect;
export type Role = UserRow['role'];
/** What may leave the server about a user: never the hash. */
export type PublicUser = Omit<UserRow, 'passwordHash'>;

export function toPublicUser({ passwordHash: _hash, ...rest }: UserRow): PublicUser {
  return rest;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

export async function insertUser(db: Db, values: { email: string; name: string; role: Role; passwordHash: string; locale?: string; timeZone?: string }): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.id));
}

export async function updateUser(
  db: Db,
  id: number,
  values: Partial<Pick<UserRow, 'name' | 'role' | 'passwordHash' | 'disabled' | 'locale' | 'timeZone' | 'sensitiveAccess'>>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Signs a user out everywhere (used when the user is disabled or their password changes). */
export async function deleteSessionsOf(db: Db, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
