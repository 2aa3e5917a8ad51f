/** @module server/services/users — user management rules shared by the CLI and the admin pages. */
import { isLocale, LOCALES, ROLES, type Locale } from '../../actors/vocabulary';
import { canonicalTimeZone } from '../../views/i18n';
import { announceAccessChange } from '../auth/access-events';
import type { Db } from '../db/client';
import { recordAudit } from '../db/queries/audit';
import { deleteSessionsOf, findUserByEmail, insertUser, listUsers, toPublicUser, updateUser, type PublicUser, type Role } from '../db/queries/users';
import { hasSqlState } from '../db/unavailable';
import { AppError } from '../errors';
import { unstorableLine } from './storable';

export const MIN_PASSWORD_LENGTH = 10;

export class UserInputError extends AppError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('USER_INVALID', 422, message);
  }
}

export class UserNotFoundError extends AppError {
  constructor(email: string) {
    super('USER_NOT_FOUND', 404, `No user with the email ${email}.`);
  }
}

export function normaliseEmail(raw: string): string {
  if (unstorableLine(raw)) throw new UserInputError('The email address contains characters that are not allowed.', 'email');
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UserInputError(`"${raw}" is not an email address.`, 'email');
  return email;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UserInputError(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`, 'password');
  }
  if (password.length > 1024) throw new UserInputError('The password is too long (1024 characters at most).', 'password');
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new UserInputError(`The role must be one of: ${ROLES.join(', ')}.`, 'role');
  return role as Role;
}

/** What a user reads the pages in: a language of LOCALES and an IANA time zone (e.g. America/Bogota). */
export interface UserPreferences {
  locale?: string;
  timeZone?: string;
}

function checkPreferences(input: UserPreferences): { locale?: Locale; timeZone?: string } {
  if (input.locale !== undefined && !isLocale(input.locale)) throw new UserInputError(`The language must be one of: ${LOCALES.join(', ')}.`, 'locale');
  const timeZone = input.timeZone === undefined ? undefined : canonicalTimeZone(input.timeZone);
  if (input.timeZone !== undefined && timeZone === undefined) throw new UserInputError(`"${input.timeZone}" is not a time zone (an IANA name such as America/Bogota).`, 'timeZone');
  return { locale: input.locale as Locale | undefined, timeZone };
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id' });
}

/** A user as the admin API and `wasap user` show her: never the password hash; `createdAt` as ISO 8601. */
export function userView(user: PublicUser) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabled,
    locale: user.locale,
    timeZone: user.timeZone,
    sensitiveAccess: user.sensitiveAccess,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface Actor {
  label: string;
  userId?: number | null;
}

export async function addUser(db: Db, actor: Actor, input: { email: string; name: string; role: string; password: string } & UserPreferences): Promise<PublicUser> {
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120) throw new UserInputError('The name must have 1 to 120 characters.', 'name');
  if (unstorableLine(name)) throw new UserInputError('The name contains characters that are not allowed.', 'name');
  const role = checkRole(input.role);
  checkPassword(input.password);
  const preferences = checkPreferences(input);
  const exists = () => new AppError('USER_EXISTS', 409, `A user with the email ${email} already exists.`);
  if (await findUserByEmail(db, email)) throw exists();
  let row: Awaited<ReturnType<typeof insertUser>>;
  try {
    row = await insertUser(db, { email, name, role, passwordHash: await hashPassword(input.password), ...preferences });
  } catch (error) {
    // Two adds of one email at once: the one that lost the race on users_email_key is told so, not a 500.
    if (hasSqlState(error, '23505')) throw exists();
    throw error;
  }
  await recordAudit(db, { actor: actor.label, actorUserId: actor.userId, action: 'user.created', targetType: 'user', targetId: row.id, details: { email, role } });
  return toPublicUser(row);
}

export async function getUsers(db: Db): Promise<PublicUser[]> {
  return (await listUsers(db)).map(toPublicUser);
}

/**
 * The user with this email (any case, surrounding spaces ignored).
 * @throws UserInputError for a malformed email, UserNotFoundError for an unknown one.
 */
export async function requireUser(db: Db, rawEmail: string) {
  const email = normaliseEmail(rawEmail);
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserNotFoundError(email);
  return user;
}

/**
 * Disables (signing the user out everywhere, her open sockets closed before this resolves) or enables a user.
 * @throws UserInputError for a malformed email, UserNotFoundError for an unknown one.
 */
export async function setUserDisabled(db: Db, actor: Actor, rawEmail: string, disabled: boolean): Promise<PublicUser> {
  const user = await requireUser(db, rawEmail);
  const row = await updateUser(db, user.id, { disabled });
  if (disabled) await deleteSessionsOf(db, user.id);
  await announceAccessChange(db, { type: 'user.changed', userId: user.id });
  await recordAudit(db, { actor: actor.label, actorUserId: actor.userId, action: disabled ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: user.id });
  return toPublicUser(row ?? user);
}

/**
 * Sets a new password and signs the user out everywhere (her open sockets closed before this resolves).
 * @throws UserInputError for a malformed email or a password too short or too long, UserNotFoundError for an unknown email.
 */
export async function setUserPassword(db: Db, actor: Actor, rawEmail: string, password: string): Promise<PublicUser> {
  const user = await requireUser(db, rawEmail);
  checkPassword(password);
  const row = await updateUser(db, user.id, { passwordHash: await hashPassword(password) });
  await deleteSessionsOf(db, user.id);
  await announceAccessChange(db, { type: 'user.changed', userId: user.id });
  await recordAudit(db, { actor: actor.label, actorUserId: actor.userId, action: 'user.password_changed', targetType: 'user', targetId: user.id });
  return toPublicUser(row ?? user);
}

/**
 * Sets the language and/or time zone a user reads the pages in (from her next page; what is open stays as it is).
 * @throws UserInputError for a malformed email, a language not in LOCALES or an unknown zone; UserNotFoundError for an unknown email.
 */
export async function setUserPreferences(db: Db, actor: Actor, rawEmail: string, input: UserPreferences): Promise<PublicUser> {
  const user = await requireUser(db, rawEmail);
  const preferences = checkPreferences(input);
  if (preferences.locale === undefined && preferences.timeZone === undefined) throw new UserInputError('Give a language, a time zone, or both.', 'locale');
  const row = await updateUser(db, user.id, preferences);
  await recordAudit(db, { actor: actor.label, actorUserId: actor.userId, action: 'user.preferences_changed', targetType: 'user', targetId: user.id, details: preferences });
  return toPublicUser(row ?? user);
}
