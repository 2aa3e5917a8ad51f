/** @module server/auth/user-admin — what the admin pages need beyond services/users: role changes, self-protection, the audit list. */
import { desc, like } from 'drizzle-orm';
import { ROLES } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { findUserByEmail, toPublicUser, updateUser, type PublicUser, type Role } from '../db/queries/users';
import { auditLog } from '../db/schema';
import { AppError } from '../errors';
import { announceAccessChange } from './access-events';
import { normaliseEmail, UserInputError, UserNotFoundError, type Actor } from '../services/users';

/** An admin locking themself out would leave the agency without anyone to undo it. */
export class AdminSelfChangeError extends AppError {
  override readonly code = 'ADMIN_SELF_CHANGE' as const;
  constructor(readonly what: 'disable' | 'demote') {
    super('ADMIN_SELF_CHANGE', 409, `You cannot ${what} your own account; ask another admin to do it.`);
  }
}

export function assertNotSelf(me: { email: string }, rawEmail: string, what: 'disable' | 'demote'): void {
  if (normaliseEmail(rawEmail) === me.email.toLowerCase()) throw new AdminSelfChangeError(what);
}

/**
 * Changes a user's role; her open sockets are re-scoped to the new role before this resolves.
 * @throws UserInputError for a malformed email or an unknown role, UserNotFoundError for an unknown email.
 */
export async function setUserRole(db: Db, actor: Actor, rawEmail: string, rawRole: string): Promise<PublicUser> {
  const email = normaliseEmail(rawEmail);
  if (!(ROLES as readonly string[]).includes(rawRole)) throw new UserInputError(`The role must be one of: ${ROLES.join(', ')}.`, 'role');
  const role = rawRole as Role;
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserNotFoundError(email);
  if (user.role === role) return toPublicUser(user);
  const row = await updateUser(db, user.id, { role });
  await announceAccessChange(db, { type: 'user.changed', userId: user.id });
  await recordAudit(db, {
    actor: actor.label,
    actorUserId: actor.userId,
    action: 'user.role_changed',
    targetType: 'user',
    targetId: user.id,
    details: { email, from: user.role, to: role },
  });
  return toPublicUser(row ?? user);
}

export const AUDIT_PAGE_SIZE = 200;

/** `%`, `_` and `\` typed in the filter are literal characters, not LIKE wildcards. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listAuditEntries(db: Db, options: { actionPrefix?: string; limit?: number } = {}) {
  const query = db.select().from(auditLog);
  const filtered = options.actionPrefix ? query.where(like(auditLog.action, likePrefix(options.actionPrefix))) : query;
  return filtered.orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(options.limit ?? AUDIT_PAGE_SIZE);
}
