/** @module views/admin/users — the users page: create, disable/enable, reset a password, change a role. */
import { ROLES, type Role } from '../../actors/vocabulary';
import { Layout } from '../layout';
import { AdminNav, CsrfField } from './nav';

/** What a row of the users page shows about a user (the server's public user row has these and more). */
export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export interface UsersPageProps {
  users: UserView[];
  me: { id: number; email: string };
  csrf: string;
  notice?: string;
  error?: string;
  /** What the admin typed in the create form, kept when it is refused (never the password). */
  draft?: { email?: string; name?: string; role?: string };
}

// Literal types (as const), so the XSS scan knows the labels are not untrusted text; `satisfies` fails a role without one.
const ROLE_LABELS = { admin: 'Administrador (admin)', recruiter: 'Reclutador (recruiter)' } as const satisfies Record<Role, string>;

function RoleOptions({ selected }: { selected: string }) {
  return (
    <>
      {ROLES.map((value) => (
        <option value={value} selected={value === selected}>
          {ROLE_LABELS[value]}
        </option>
      ))}
    </>
  );
}

function UserRow({ user, self, csrf }: { user: UserView; self: boolean; csrf: string }) {
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
