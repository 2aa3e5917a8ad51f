/** @module views/admin/canned — admins create, edit and delete the canned responses recruiters pick from in the composer. */
import type { Translator } from '../i18n';
import { AdminPage, CsrfField } from './nav';

export interface CannedRow {
  id: number;
  title: string;
  body: string;
}

export interface CannedPageProps {
  i18n: Translator;
  rows: CannedRow[];
  me: { email: string };
  csrf: string;
  /** Already in the admin's language. */
  error?: string;
  /** What she typed in the new-response form, kept when it is refused. */
  draft?: { title: string; body: string };
  /** What she typed editing a response, kept when it is refused (its edit form is shown open). */
  editing?: CannedRow;
}

/** The title and text fields of one form; `prefix` keeps ids unique on the page. */
function Fields({ i18n, prefix, value }: { i18n: Translator; prefix: string; value?: { title: string; body: string } }) {
  const { t } = i18n;
  return (
    <>
      <label for={`${prefix}-title`} safe>
        {t('admin.canned.heading')}
      </label>
      <input id={`${prefix}-title`} name="title" required maxlength="80" value={value?.title ?? ''} />
      <label for={`${prefix}-body`} safe>
        {t('admin.canned.text')}
      </label>
      <textarea id={`${prefix}-body`} name="body" required maxlength="4096" rows="3" safe>
        {value?.body ?? ''}
      </textarea>
    </>
  );
}

export function CannedPage({ i18n, rows, me, csrf, error, draft, editing }: CannedPageProps) {
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="canned" email={me.email} csrf={csrf} title={t('admin.canned.title')} mainClass="admin-main">
      {error ? (
        <p class="form-error" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <form method="post" action="/admin/canned" class="admin-form">
        <CsrfField token={csrf} />
        <Fields i18n={i18n} prefix="canned" value={draft} />
        <p class="muted small" safe>
          {t('admin.canned.variables')}
        </p>
        <button type="submit" safe>
          {t('admin.canned.save')}
        </button>
      </form>
      <ul class="canned-list">
        {rows.map((row) => {
          const value = editing?.id === row.id ? editing : row;
          return (
            <li id={`canned-${row.id}`}>
              <strong safe>{row.title}</strong>
              <p safe>{row.body}</p>
              <details open={editing?.id === row.id}>
                <summary safe>{t('admin.canned.edit')}</summary>
                <form method="post" action={`/admin/canned/${row.id}`} class="admin-form">
                  <CsrfField token={csrf} />
                  <Fields i18n={i18n} prefix={`canned-${row.id}`} value={value} />
                  <button type="submit" safe>
                    {t('admin.canned.save')}
                  </button>
                </form>
              </details>
              <form method="post" action={`/admin/canned/${row.id}/delete`}>
                <CsrfField token={csrf} />
                <button type="submit" class="link-button" safe>
                  {t('admin.canned.delete')}
                </button>
              </form>
            </li>
          );
        })}
      </ul>
    </AdminPage>
  );
}
