/** @module server/routes/admin-users — admins only: the users page and its actions (sensitive-data access too), and the read-only audit log. */
import { listUsers } from '../db/queries/users';
import { Elysia, t } from 'elysia';
import { authPlugin } from '../auth/plugin';
import type { SessionRow } from '../auth/sessions';
import { AdminSelfChangeError, assertNotSelf, listAuditEntries, setUserRole } from '../auth/user-admin';
import type { Db } from '../db/client';
import { toPublicUser, type PublicUser } from '../db/queries/users';
import { AppError, BadRequestError } from '../errors';
import { addUser, getUsers, MIN_PASSWORD_LENGTH, requireUser, setUserDisabled, setUserPassword, UserInputError, UserNotFoundError, type Actor } from '../services/users';
import { AuditPage } from '../../views/admin/audit';
import { ConfirmDisablePage, UsersPage, type UserField, type UsersPageProps } from '../../views/admin/users';
import { isCalendarDay, translator, type Translator } from '../../views/i18n';
import { setSensitiveAccess } from '../privacy/sensitive-access';
import { htmlResponse } from './html';

export interface AdminUsersDeps {
  db: Db;
  secureCookies: boolean;
  now?: () => Date;
}

/** The notices keyed by the `done` query parameter (views/i18n admin.users.done): nothing from the URL is echoed but the email, escaped. */
const DONE = ['created', 'disabled', 'enabled', 'password', 'role', 'sensitiveOn', 'sensitiveOff'] as const;
type Done = (typeof DONE)[number];
/** The notices whose words live in the privacy catalogue (views/i18n/privacy/consent). */
const PRIVACY_DONE = { sensitiveOn: 'privacy.consent.users.doneOn', sensitiveOff: 'privacy.consent.users.doneOff' } as const;
const isDone = (value: unknown): value is Done => (DONE as readonly unknown[]).includes(value);

const emailBody = t.Object({ email: t.String({ maxLength: 320 }) });

/** Why a change was refused, in the admin's words (the services' own messages are for the CLI and the API). */
function refusal(error: AppError, { t }: Translator, email: string): string {
  if (error instanceof UserInputError && USER_FIELDS.has(error.field)) return t(`admin.users.errors.${error.field as UserField}`, { min: MIN_PASSWORD_LENGTH });
  if (error instanceof AdminSelfChangeError) return t(error.what === 'disable' ? 'admin.users.errors.selfDisable' : 'admin.users.errors.selfDemote');
  if (error.code === 'USER_EXISTS') return t('admin.users.errors.exists', { email });
  if (error instanceof UserNotFoundError) return t('admin.users.errors.notFound', { email });
  return error.message;
}

const USER_FIELDS: ReadonlySet<string> = new Set<UserField>(['email', 'name', 'password', 'role']);

/** The create-form field a refusal is about, if any (the form shows it under that field). */
function fieldOf(error: AppError): UserField | undefined {
  if (error instanceof UserInputError && USER_FIELDS.has(error.field)) return error.field as UserField;
  return error.code === 'USER_EXISTS' ? 'email' : undefined;
}

/** YYYY-MM-DD, or nothing; whether the day exists is checked in the handler (isCalendarDay). */
const DAY_PATTERN = '^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

function actorOf(user: PublicUser): Actor {
  return { label: user.email, userId: user.id };
}

export function adminUsersRoutes(deps: AdminUsersDeps) {
  const { db } = deps;

  async function usersPage(user: PublicUser, session: SessionRow, extra: Partial<UsersPageProps> = {}, status = 200) {
    const users = await getUsers(db);
    return htmlResponse(UsersPage({ i18n: translator(user.locale, user.timeZone), users, me: user, csrf: session.csrfToken, ...extra }), status);
  }

  /** Runs `step`; a refusal re-renders the users page with the reason in the admin's language, anything else goes to the error mapper. */
  async function orRefused(ctx: { user: PublicUser; session: SessionRow }, email: string, step: () => Promise<Response>, draft?: UsersPageProps['draft']) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof AppError && error.status < 500)
        return usersPage(ctx.user, ctx.session, { error: refusal(error, translator(ctx.user.locale), email), errorField: fieldOf(error), draft }, error.status);
      throw error;
    }
  }

  /** Runs one change, then back to the users page with its notice. */
  function act(ctx: { user: PublicUser; session: SessionRow }, done: Done, email: string, change: () => Promise<unknown>, draft?: UsersPageProps['draft']) {
    return orRefused(
      ctx,
      email,
      async () => {
        await change();
        return new Response(null, { status: 303, headers: { location: `/admin/users?done=${done}&email=${encodeURIComponent(email)}` } });
      },
      draft,
    );
  }

  return new Elysia({ name: 'admin-users', prefix: '/admin' }).use(authPlugin({ db, secureCookies: deps.secureCookies, now: deps.now })).guard({ requireAdmin: true }, (admin) =>
    admin
      .get(
        '/users',
        function listPage({ user, session, query }) {
          const { t } = translator(user.locale, user.timeZone);
          const done = isDone(query.done) ? query.done : undefined;
          const email = { email: query.email ?? '' };
          const notice = done === undefined ? undefined : done === 'sensitiveOn' || done === 'sensitiveOff' ? t(PRIVACY_DONE[done], email) : t(`admin.users.done.${done}`, email);
          return usersPage(user, session, { notice });
        },
        { query: t.Object({ done: t.Optional(t.String({ maxLength: 20 })), email: t.Optional(t.String({ maxLength: 320 })) }) },
      )
      .post(
        '/users',
        function createUser({ user, session, body }) {
          const draft = { email: body.email, name: body.name, role: body.role };
          return act({ user, session }, 'created', body.email, () => addUser(db, actorOf(user), body), draft);
        },
        {
          body: t.Object({
            email: t.String({ maxLength: 320 }),
            name: t.String({ maxLength: 200 }),
            role: t.String({ maxLength: 20 }),
            password: t.String({ maxLength: 1024 }),
          }),
        },
      )
      .get(
        '/users/disable',
        function confirmDisable({ user, session, query }) {
          // The same checks as the change itself: a user that exists, and not the admin herself.
          return orRefused({ user, session }, query.email, async () => {
            const target = toPublicUser(await requireUser(db, query.email));
            assertNotSelf(user, query.email, 'disable');
            return htmlResponse(ConfirmDisablePage({ i18n: translator(user.locale, user.timeZone), user: target, me: user, csrf: session.csrfToken }));
          });
        },
        { query: emailBody },
      )
      .post(
        '/users/disable',
        function disableUser({ user, session, body }) {
          return act({ user, session }, 'disabled', body.email, async () => {
            assertNotSelf(user, body.email, 'disable');
            await setUserDisabled(db, actorOf(user), body.email, true);
          });
        },
        { body: emailBody },
      )
      .post(
        '/users/enable',
        function enableUser({ user, session, body }) {
          return act({ user, session }, 'enabled', body.email, () => setUserDisabled(db, actorOf(user), body.email, false));
        },
        { body: emailBody },
      )
      .post(
        '/users/password',
        function resetPassword({ user, session, body }) {
          return act({ user, session }, 'password', body.email, () => setUserPassword(db, actorOf(user), body.email, body.password));
        },
        { body: t.Object({ email: t.String({ maxLength: 320 }), password: t.String({ maxLength: 1024 }) }) },
      )
      .post(
        '/users/role',
        function changeRole({ user, session, body }) {
          return act({ user, session }, 'role', body.email, async () => {
            if (body.role !== 'admin') assertNotSelf(user, body.email, 'demote');
            await setUserRole(db, actorOf(user), body.email, body.role);
          });
        },
        { body: t.Object({ email: t.String({ maxLength: 320 }), role: t.String({ maxLength: 20 }) }) },
      )
      .post(
        '/users/sensitive',
        function changeSensitiveAccess({ user, session, body }) {
          const on = body.access === 'on';
          return act({ user, session }, on ? 'sensitiveOn' : 'sensitiveOff', body.email, () => setSensitiveAccess(db, actorOf(user), body.email, on));
        },
        { body: t.Object({ email: t.String({ maxLength: 320 }), access: t.UnionEnum(['on', 'off']) }) },
      )
      .get(
        '/audit',
        async function auditPage({ user, session, query }) {
          const i18n = translator(user.locale, user.timeZone);
          const filters = {
            action: query.action?.trim() || undefined,
            actor: query.actor?.trim() || undefined,
            from: query.from || undefined,
            to: query.to || undefined,
          };
          // A day that does not exist (2026-02-31) is refused here, not left to fail in the query.
          for (const field of ['from', 'to'] as const) {
            const day = filters[field];
            if (day !== undefined && !isCalendarDay(day)) throw new BadRequestError(`${field} must be a day that exists, YYYY-MM-DD.`, field);
          }
          const before = query.before ? Number(query.before) : undefined;
          const page = await listAuditEntries(db, { actionPrefix: filters.action, actor: filters.actor, from: filters.from, to: filters.to, timeZone: i18n.timeZone, before });
          const people = new Map((await listUsers(db)).map((person) => [person.id, person.name]));
          return htmlResponse(AuditPage({ i18n, entries: page.entries, nextBefore: page.nextBefore, paged: before !== undefined, people, filters, me: user, csrf: session.csrfToken }));
        },
        {
          query: t.Object({
            action: t.Optional(t.String({ maxLength: 60 })),
            actor: t.Optional(t.String({ maxLength: 120 })),
            // A calendar day (the date input's value), or empty: an empty field filters nothing.
            from: t.Optional(t.String({ pattern: DAY_PATTERN })),
            to: t.Optional(t.String({ pattern: DAY_PATTERN })),
            before: t.Optional(t.String({ pattern: '^[1-9][0-9]{0,15}$' })),
          }),
        },
      ),
  );
}
