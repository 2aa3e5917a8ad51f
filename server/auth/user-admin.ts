/** @module server/auth/user-admin — what the admin pages need beyond services/users: role changes, self-protection, the audit list. */
import { and, desc, gte, ilike, like, lt, or, sql } from 'drizzle-orm';
import { startOfDayIn } from '../../views/i18n';
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

/** Audit entries on one page of the audit log. */
export const AUDIT_PAGE_SIZE = 100;

/** `%`, `_` and `\` typed in the filter are literal characters, not LIKE wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface AuditFilters {
  /** Actions starting with this (`auth.`, or one action in full). */
  actionPrefix?: string;
  /** Who acted: part of her email, her name or the label recorded (cli, system…), any case. */
  actor?: string;
  /** Calendar days (YYYY-MM-DD, checked with views/i18n isCalendarDay), both included, in `timeZone` (an IANA name, the reader's). */
  from?: string;
  to?: string;
  timeZone?: string;
  /** Entries older than this id (the last one of the page before). */
  before?: number;
  limit?: number;
}

/**
 * The newest audit entries that pass the filters, newest first, and the cursor of the next page (undefined at the
 * end). Days are the reader's, turned into instants by the Intl rules that draw her times (views/i18n startOfDayIn).
 */
export async function listAuditEntries(db: Db, options: AuditFilters = {}) {
  const limit = options.limit ?? AUDIT_PAGE_SIZE;
  const zone = options.timeZone ?? 'UTC';
  const conditions = [
    options.actionPrefix ? like(auditLog.action, `${escapeLike(options.actionPrefix)}%`) : undefined,
    options.actor
      ? or(ilike(auditLog.actor, `%${escapeLike(options.actor)}%`), sql`exists (select 1 from users u where u.id = ${auditLog.actorUserId} and u.name ilike ${`%${escapeLike(options.actor)}%`})`)
      : undefined,
    options.from ? gte(auditLog.createdAt, startOfDayIn(options.from, zone)) : undefined,
    options.to ? lt(auditLog.createdAt, startOfDayIn(options.to, zone, 1)) : undefined,
    options.before ? lt(auditLog.id, options.before) : undefined,
  ];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, nextBefore: rows.length > limit ? entries.at(-1)?.id : undefined };
}
