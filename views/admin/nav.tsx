/** @module views/admin/nav — the admin pages' header: links and the sign-out form. */

export interface AdminNavProps {
  current: 'users' | 'audit' | 'canned';
  email: string;
  csrf: string;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function AdminNav({ current, email, csrf }: AdminNavProps) {
  return (
    <header class="admin-nav">
      <nav aria-label="Admin">
        <a href="/inbox">Bandeja (Inbox)</a>
        <a href="/admin/users" aria-current={current === 'users' ? 'page' : undefined}>
          Usuarios (Users)
        </a>
        <a href="/admin/canned" aria-current={current === 'canned' ? 'page' : undefined}>
          Respuestas (Canned responses)
        </a>
        <a href="/admin/audit" aria-current={current === 'audit' ? 'page' : undefined}>
          Auditoría (Audit log)
        </a>
      </nav>
      <form method="post" action="/logout" class="admin-signout">
        <CsrfField token={csrf} />
        <span class="admin-me" safe>
          {email}
        </span>
        <button type="submit">Salir (Sign out)</button>
      </form>
    </header>
  );
}
