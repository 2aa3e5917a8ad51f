/** @module views/admin/canned — admins manage the canned responses recruiters pick from in the composer. */
import { Layout } from '../layout';
import { AdminNav, CsrfField } from './nav';

export interface CannedRow {
  id: number;
  title: string;
  body: string;
}

export function CannedPage({ rows, me, csrf, error }: { rows: CannedRow[]; me: { email: string }; csrf: string; error?: string }) {
  return (
    <Layout title="Wasap — Respuestas (Canned responses)">
      <link rel="stylesheet" href="/assets/auth.css" />
      <AdminNav current="canned" email={me.email} csrf={csrf} />
      <main class="admin-main">
        <h1>Respuestas guardadas (Canned responses)</h1>
        {error ? (
          <p class="form-error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/admin/canned" class="admin-form">
          <CsrfField token={csrf} />
          <label for="canned-title">Título (Title)</label>
          <input id="canned-title" name="title" required maxlength="80" />
          <label for="canned-body">Texto (Text)</label>
          <textarea id="canned-body" name="body" required maxlength="4096" rows="3"></textarea>
          <button type="submit">Guardar (Save)</button>
        </form>
        <ul class="canned-list">
          {rows.map((row) => (
            <li id={`canned-${row.id}`}>
              <strong safe>{row.title}</strong>
              <p safe>{row.body}</p>
              <form method="post" action={`/admin/canned/${row.id}/delete`}>
                <CsrfField token={csrf} />
                <button type="submit" class="link-button">
                  Borrar (Delete)
                </button>
              </form>
            </li>
          ))}
        </ul>
      </main>
    </Layout>
  );
}
