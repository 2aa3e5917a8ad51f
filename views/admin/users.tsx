/** @module views/admin/users — the users page: create, disable/enable, reset a password, change a role. */
import { ROLES, type Role } from '../../actors/vocabulary';
import type { Translator } from '../i18n';
import { AdminPage, CsrfField } from './nav';

/** What a row of the users page shows about a user (the server's public user row has these and more). */
export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export interface UsersPageProps {
  i18n: Translator;
  users: UserView[];
  me: { id: number; email: string };
  csrf: string;
  notice?: string;
  error?: string;
  /** What the admin typed in the create form, kept when it is refused (never the password). */
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
            <button type="submit" safe>
              {t('admin.users.change')}
            </button>
          )}
        </form>
      </td>
      <td safe>{user.disabled ? t('admin.users.disabled') : t('admin.users.active')}</td>
      <td class="user-actions">
        {self ? (
          <span class="muted" safe>
            {t('admin.users.you')}
          </span>
        ) : user.disabled ? (
          <form method="post" action="/admin/users/enable" class="inline-form">
            <CsrfField token={csrf} />
            <input type="hidden" name="email" value={user.email} />
            <button type="submit" safe>
              {t('admin.users.enable')}
            </button>
          </form>
        ) : (
          // Disabling signs her out everywhere: it is asked for on a page of its own and confirmed there.
          <form method="get" action="/admin/users/disable" class="inline-form">
            <input type="hidden" name="email" value={user.email} />
            <button type="submit" class="danger" safe>
              {t('admin.users.disable')}
            </button>
          </form>
        )}
        <form method="post" action="/admin/users/password" class="inline-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="email" value={user.email} />
          <input type="password" name="password" autocomplete="new-password" minlength="10" required aria-label={t('admin.users.newPassword')} placeholder={t('admin.users.newPassword')} />
          <button type="submit" safe>
            {t('admin.users.resetPassword')}
          </button>
        </form>
      </td>
    </tr>
  );
}

function CreateUserForm({ i18n, csrf, draft }: { i18n: Translator; csrf: string; draft: NonNullable<UsersPageProps['draft']> }) {
  const { t } = i18n;
  return (
    <form method="post" action="/admin/users" class="create-user">
      <h2 safe>{t('admin.users.newUser')}</h2>
      <CsrfField token={csrf} />
      <label>
        <span safe>{t('admin.users.email')}</span> <input name="email" type="email" required maxlength="254" value={draft.email ?? ''} />
      </label>
      <label>
        <span safe>{t('admin.users.name')}</span> <input name="name" required maxlength="120" value={draft.name ?? ''} />
      </label>
      <label>
        <span safe>{t('admin.users.role')}</span>
        <select name="role">
          <RoleOptions i18n={i18n} selected={draft.role ?? 'recruiter'} />
        </select>
      </label>
      <label>
        <span safe>{t('admin.users.initialPassword')}</span> <input name="password" type="password" autocomplete="new-password" minlength="10" required />
      </label>
      <button type="submit" safe>
        {t('admin.users.create')}
      </button>
    </form>
  );
}

export function UsersPage({ i18n, users, me, csrf, notice, error, draft = {} }: UsersPageProps) {
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="users" email={me.email} csrf={csrf} title={t('admin.users.title')}>
      {notice ? (
        <p class="notice" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="auth-error" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <table class="admin-table">
        <thead>
          <tr>
            <th safe>{t('admin.users.name')}</th>
            <th safe>{t('admin.users.email')}</th>
            <th safe>{t('admin.users.role')}</th>
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
      <CreateUserForm i18n={i18n} csrf={csrf} draft={draft} />
    </AdminPage>
  );
}

/** The question before a user is disabled: what it does, confirm (the POST that does it) or go back. */
export function ConfirmDisablePage({ i18n, user, me, csrf }: { i18n: Translator; user: UserView; me: { email: string }; csrf: string }) {
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="users" email={me.email} csrf={csrf} title={t('admin.users.title')} heading={t('admin.users.confirmDisable', { name: user.name, email: user.email })}>
      <p safe>{t('admin.users.confirmDisableWhy')}</p>
      <form method="post" action="/admin/users/disable" class="inline-form">
        <CsrfField token={csrf} />
        <input type="hidden" name="email" value={user.email} />
        <button type="submit" class="danger" safe>
          {t('admin.users.disable')}
        </button>{' '}
        <a href="/admin/users" safe>
          {t('admin.users.cancel')}
        </a>
      </form>
    </AdminPage>
  );
}
