/** @module views/admin/canned — admins manage the canned responses recruiters pick from in the composer. */
import type { Translator } from '../i18n';
import { Layout } from '../layout';
import { AdminNav, CsrfField } from './nav';

export interface CannedRow {
  id: number;
  title: string;
  body: string;
}

export function CannedPage({ i18n, rows, me, csrf, error }: { i18n: Translator; rows: CannedRow[]; me: { email: string }; csrf: string; error?: string }) {
  const { t } = i18n;
  return (
    <Layout title={`${t('app.name')} — ${t('admin.canned.title')}`} lang={i18n.locale}>
      <link rel="stylesheet" href="/assets/auth.css" />
      <AdminNav i18n={i18n} current="canned" email={me.email} csrf={csrf} />
      <main class="admin-main">
        <h1 safe>{t('admin.canned.title')}</h1>
        {error ? (
          <p class="form-error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/admin/canned" class="admin-form">
          <CsrfField token={csrf} />
          <label for="canned-title" safe>
            {t('admin.canned.heading')}
          </label>
          <input id="canned-title" name="title" required maxlength="80" />
          <label for="canned-body" safe>
            {t('admin.canned.text')}
          </label>
          <textarea id="canned-body" name="body" required maxlength="4096" rows="3"></textarea>
          <button type="submit" safe>
            {t('admin.canned.save')}
          </button>
        </form>
        <ul class="canned-list">
          {rows.map((row) => (
            <li id={`canned-${row.id}`}>
              <strong safe>{row.title}</strong>
              <p safe>{row.body}</p>
              <form method="post" action={`/admin/canned/${row.id}/delete`}>
                <CsrfField token={csrf} />
                <button type="submit" class="link-button" safe>
                  {t('admin.canned.delete')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </main>
    </Layout>
  );
}
