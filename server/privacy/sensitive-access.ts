/**
 * @module server/privacy/sensitive-access — who may see an aspirant's sensitive answers (whether she has children,
 * her measurements): admins, and users an admin gave `users.sensitive_access` (Law 1581 Arts. 5–6 and 4 h — sensitive
 * data only to those who need them). Checked on every request from the user row the session reads, so a change holds
 * from the reader's next request; pushed fragments carry no sensitive data at all.
 */
import { announceAccessChange } from '../auth/access-events';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { toPublicUser, updateUser, type PublicUser } from '../db/queries/users';
import { requireUser, type Actor } from '../services/users';

/** Whether `user` may read sensitive answers. */
export function maySeeSensitive(user: Pick<PublicUser, 'role' | 'sensitiveAccess'>): boolean {
  return user.role === 'admin' || user.sensitiveAccess;
}

/**
 * Turns a user's sensitive access on or off; audited (`user.sensitive_access_changed`, from → to) when it changes.
 * @throws UserInputError for a malformed email, UserNotFoundError for an unknown one.
 */
export async function setSensitiveAccess(db: Db, actor: Actor, rawEmail: string, on: boolean): Promise<PublicUser> {
  const user = await requireUser(db, rawEmail);
  if (user.sensitiveAccess === on) return toPublicUser(user);
  const row = await updateUser(db, user.id, { sensitiveAccess: on });
  // Open pages re-read the user at their next request; sockets re-check her now (they carry no sensitive data anyway).
  await announceAccessChange(db, { type: 'user.changed', userId: user.id });
  await recordAudit(db, {
    actor: actor.label,
    actorUserId: actor.userId,
    action: 'user.sensitive_access_changed',
    targetType: 'user',
    targetId: user.id,
    details: { from: user.sensitiveAccess, to: on },
  });
  return toPublicUser(row ?? user);
}
