/** @module views/admin/users — the users page: create, disable/enable, reset a password, change a role. */
import type { PublicUser } from '../../server/db/queries/users';
import { Layout } from '../layout';
import { AdminNav, CsrfField } from './nav';

export interface UsersPageProps {
  users: PublicUser[];
  me: { id: number; email: string };
  csrf: string;
  notice?: string;
  error?: string;
  /** What the admin typed in the create form, kept when it is refused (never the password). */
  draft?: { email?: string; name?: string; role?: string };
}

const ROLE_LABELS = { admin: 'Administrador (admin)', recruiter: 'Reclutador (recruiter)' } as const;

function RoleOptions({ selected }: { selected: string }) {
  return (
    <>
      {Object.entries(ROLE_LABELS).map(([value, label]) => (
        <option value={value} selected={value === selected}>
          {label}
        </option>
      ))}
    </>
  );
}

function UserRow({ user, self, csrf }: { user: PublicUser; self: boolean; csrf: string }) {
  return (
    <tr id={`user-row-${user.id}`} class={user.disabled ? 'user-disabled' : undefined}>
      <td safe>{user.name}</td>
      <td safe>{user.email}</td>
      <td>
        <form method="post" action="/admin/users/role" class="inline-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="email" value={user.email} />
          <select name="role" aria-label="Rol (role)" disabled={self}>
            <RoleOptions selected={user.role} />
          </select>
          {self ? '' : <button type="submit">Cambiar (Change)</button>}
        </form>
      </td>
      <td>{user.disabled ? 'Desactivado (disabled)' : 'Activo (active)'}</td>
      <td class="user-actions">
        {self ? (
          <span class="muted">Tú (you)</span>
        ) : (
          <form method="post" action={user.disabled ? '/admin/users/enable' : '/admin/users/disable'} class="inline-form">
            <CsrfField token={csrf} />
            <input type="hidden" name="email" value={user.email} />
            <button type="submit" class={user.disabled ? undefined : 'danger'}>
              {user.disabled ? 'Activar (Enable)' : 'Desactivar (Disable)'}
            </button>
          </form>
        )}
        <form method="post" action="/admin/users/password" class="inline-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="email" value={user.email} />
          <input type="password" name="password" autocomplete="new-password" minlength="10" required aria-label="Nueva contraseña (new password)" placeholder="Nueva contraseña" />
          <button type="submit">Cambiar contraseña (Reset)</button>
        </form>
      </td>
    </tr>
  );
}

function CreateUserForm({ csrf, draft }: { csrf: string; draft: NonNullable<UsersPageProps['draft']> }) {
  return (
    <form method="post" action="/admin/users" class="create-user">
      <h2>Nuevo usuario (New user)</h2>
      <CsrfField token={csrf} />
      <label>
        Correo (Email) <input name="email" type="email" required maxlength="254" value={draft.email ?? ''} />
      </label>
      <label>
        Nombre (Name) <input name="name" required maxlength="120" value={draft.name ?? ''} />
      </label>
      <label>
        Rol (Role)
        <select name="role">
          <RoleOptions selected={draft.role ?? 'recruiter'} />
        </select>
      </label>
      <label>
        Contraseña inicial (Initial password) <input name="password" type="password" autocomplete="new-password" minlength="10" required />
      </label>
      <button type="submit">Crear (Create)</button>
    </form>
  );
}

export function UsersPage({ users, me, csrf, notice, error, draft = {} }: UsersPageProps) {
  return (
    <Layout title="Wasap — Usuarios (Users)">
      <link rel="stylesheet" href="/assets/auth.css" />
      <AdminNav current="users" email={me.email} csrf={csrf} />
      <main class="admin-page">
        <h1>Usuarios (Users)</h1>
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
              <th>Nombre (Name)</th>
              <th>Correo (Email)</th>
              <th>Rol (Role)</th>
              <th>Estado (State)</th>
              <th>Acciones (Actions)</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRow user={user} self={user.id === me.id} csrf={csrf} />
            ))}
          </tbody>
        </table>
        <CreateUserForm csrf={csrf} draft={draft} />
      </main>
    </Layout>
  );
}
