/** @module views/admin/users — the users page: create, disable/enable, reset a password, change a role, give or remove sensitive-data access. */
import { ROLES, type Role } from '../../actors/vocabulary';
import type { Translator } from '../i18n';
import { AdminField, invalidAttrs } from './field';
import { AdminPage, CsrfField } from './nav';

/** What a row of the users page shows about a user (the server's public user row has these and more). */
export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** May see aspirants' sensitive answers (Law 1581 Art. 6); admins always may. */
  sensitiveAccess: boolean;
}

/** The create form's fields; a refusal about one of them is shown under it. */
export type UserField = 'email' | 'name' | 'role' | 'password';

export interface UsersPageProps {
  i18n: Translator;
  users: UserView[];
  me: { id: number; email: string };
  csrf: string;
  notice?: string;
  error?: string;
  /** Which create-form field `error` is about, when it is about one. */
  errorField?: UserField;
  /** What the admin typed in the create form, kept when it is refused (never the password); set only when a create was refused. */
  draft?: { email?: string; name?: string; role?: string };
}

function RoleOptions({ i18n, selected }: { i18n: Translator; selected: string }) {
  const labels: Record<Role, string> = i18n.messages.admin.users.roles;
  return (
    <>
      {ROLES.map((value) => (
        <option value={value} selected={value === selected} safe>
          {labels[value]}
        </option>
      ))}
    </>
  );
}

/** Whether she may see sensitive answers, and the button that turns it the other way (admins always may). */
function SensitiveAccess({ i18n, user, csrf }: { i18n: Translator; user: UserView; csrf: string }) {
  const { t } = i18n;
  if (user.role === 'admin') {
    return (
      <span class="pill state-active" safe>
        {t('privacy.consent.users.always')}
      </span>
    );
  }
  return (
    <form method="post" action="/admin/users/sensitive" class="inline-form">
      <CsrfField token={csrf} />
      <input type="hidden" name="email" value={user.email} />
      <input type="hidden" name="access" value={user.sensitiveAccess ? 'off' : 'on'} />
      <span class={user.sensitiveAccess ? 'pill state-active' : 'pill state-disabled'} safe>
        {user.sensitiveAccess ? t('privacy.consent.users.on') : t('privacy.consent.users.off')}
      </span>{' '}
      <button type="submit" class="secondary" safe>
        {user.sensitiveAccess ? t('privacy.consent.users.revoke') : t('privacy.consent.users.grant')}
      </button>
    </form>
  );
}

function UserRow({ i18n, user, self, csrf }: { i18n: Translator; user: UserView; self: boolean; csrf: string }) {
  const { t } = i18n;
  return (
    <tr id={`user-row-${user.id}`} class={user.disabled ? 'user-disabled' : undefined}>
      <td safe>{user.name}</td>
      <td safe>{user.email}</td>
      <td>
        <form method="post" action="/admin/users/role" class="inline-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="email" value={user.email} />
          <select name="role" aria-label={t('admin.users.role')} disabled={self}>
            <RoleOptions i18n={i18n} selected={user.role} />
          </select>
          {self ? (
            ''
          ) : (
            <button type="submit" class="secondary" safe>
              {t('admin.users.change')}
            </button>
          )}
        </form>
      </td>
      <td>
        <SensitiveAccess i18n={i18n} user={user} csrf={csrf} />
      </td>
      <td>
        <span class={user.disabled ? 'pill state-disabled' : 'pill state-active'} safe>
          {user.disabled ? t('admin.users.disabled') : t('admin.users.active')}
        </span>
      </td>
      <td class="user-actions">
        {self ? (
          <span class="pill state-you" safe>
            {t('admin.users.you')}
          </span>
        ) : user.disabled ? (
          <form method="post" action="/admin/users/enable" class="inline-form">
            <CsrfField token={csrf} />
            <input type="hidden" name="email" value={user.email} />
            <button type="submit" class="secondary" safe>
              {t('admin.users.enable')}
            </button>
          </form>
        ) : (
          // Disabling signs her out everywhere: it is asked for on a page of its own and confirmed there.
          <form method="get" action="/admin/users/disable" class="inline-form">
            <input type="hidden" name="email" value={user.email} />
            <button type="submit" class="secondary danger" safe>
              {t('admin.users.disable')}
            </button>
          </form>
        )}
        <form method="post" action="/admin/users/password" class="inline-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="email" value={user.email} />
          <input type="password" name="password" autocomplete="new-password" minlength="10" required aria-label={t('admin.users.newPassword')} placeholder={t('admin.users.newPassword')} />
          <button type="submit" class="secondary" safe>
            {t('admin.users.resetPassword')}
          </button>
        </form>
      </td>
    </tr>
  );
}

function CreateUserForm({ i18n, csrf, draft, error, errorField }: { i18n: Translator; csrf: string; draft: NonNullable<UsersPageProps['draft']>; error?: string; errorField?: UserField }) {
  const { t } = i18n;
  const about = (field: UserField) => (error && errorField === field ? error : undefined);
  return (
    <form method="post" action="/admin/users" class="admin-card create-user" aria-labelledby="new-user-title">
      <h2 id="new-user-title" safe>
        {t('admin.users.newUser')}
      </h2>
      <CsrfField token={csrf} />
      {error && !errorField ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <div class="admin-fields">
        <AdminField id="new-user-email" label={t('admin.users.email')} error={about('email')}>
          <input id="new-user-email" name="email" type="email" required maxlength="254" value={draft.email ?? ''} {...invalidAttrs('new-user-email', about('email'))} />
        </AdminField>
        <AdminField id="new-user-name" label={t('admin.users.name')} error={about('name')}>
          <input id="new-user-name" name="name" required maxlength="120" value={draft.name ?? ''} {...invalidAttrs('new-user-name', about('name'))} />
        </AdminField>
        <AdminField id="new-user-role" label={t('admin.users.role')} error={about('role')}>
          <select id="new-user-role" name="role" {...invalidAttrs('new-user-role', about('role'))}>
            <RoleOptions i18n={i18n} selected={draft.role ?? 'recruiter'} />
          </select>
        </AdminField>
        <AdminField id="new-user-password" label={t('admin.users.initialPassword')} error={about('password')}>
          <input id="new-user-password" name="password" type="password" autocomplete="new-password" minlength="10" required {...invalidAttrs('new-user-password', about('password'))} />
        </AdminField>
      </div>
      <div class="form-actions">
        <button type="submit" safe>
          {t('admin.users.create')}
        </button>
      </div>
    </form>
  );
}

export function UsersPage({ i18n, users, me, csrf, notice, error, errorField, draft }: UsersPageProps) {
  const { t } = i18n;
  // A refused create is answered in its form, next to what she typed; any other refusal above the table.
  const creating = draft !== undefined;
  return (
    <AdminPage i18n={i18n} current="users" email={me.email} csrf={csrf} title={t('admin.users.title')}>
      {notice ? (
        <p class="notice" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {error && !creating ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <table class="admin-table users-table">
        <thead>
          <tr>
            <th safe>{t('admin.users.name')}</th>
            <th safe>{t('admin.users.email')}</th>
            <th safe>{t('admin.users.role')}</th>
            <th safe>{t('privacy.consent.users.sensitive')}</th>
            <th safe>{t('admin.users.state')}</th>
            <th safe>{t('admin.users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow i18n={i18n} user={user} self={user.id === me.id} csrf={csrf} />
          ))}
        </tbody>
      </table>
      <CreateUserForm i18n={i18n} csrf={csrf} draft={draft ?? {}} error={creating ? error : undefined} errorField={errorField} />
    </AdminPage>
  );
}

/** The question before a user is disabled, shown as a dialog: what it does, go back, or confirm (the POST that does it). */
export function ConfirmDisablePage({ i18n, user, me, csrf }: { i18n: Translator; user: UserView; me: { email: string }; csrf: string }) {
  const { t } = i18n;
  return (
    <AdminPage
      i18n={i18n}
      current="users"
      email={me.email}
      csrf={csrf}
      title={t('admin.users.title')}
      heading={t('admin.users.confirmDisable', { name: user.name, email: user.email })}
      mainClass="admin-confirm"
    >
      <p safe>{t('admin.users.confirmDisableWhy')}</p>
      <form method="post" action="/admin/users/disable" class="form-actions">
        <CsrfField token={csrf} />
        <input type="hidden" name="email" value={user.email} />
        <a href="/admin/users" class="button secondary" safe>
          {t('admin.users.cancel')}
        </a>
        <button type="submit" class="danger" safe>
          {t('admin.users.disable')}
        </button>
      </form>
    </AdminPage>
  );
}
