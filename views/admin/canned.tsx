/** @module views/admin/canned — admins create, edit and delete the canned responses recruiters pick from in the composer. */
import type { Translator } from '../i18n';
import { AdminField, invalidAttrs } from './field';
import { AdminPage, CsrfField } from './nav';

export interface CannedRow {
  id: number;
  title: string;
  body: string;
}

/** A response's two fields; a refusal about one of them is shown under it. */
export type CannedField = 'title' | 'body';

export interface CannedPageProps {
  i18n: Translator;
  rows: CannedRow[];
  me: { email: string };
  csrf: string;
  /** Already in the admin's language. */
  error?: string;
  /** Which field `error` is about, when it is about one. */
  errorField?: CannedField;
  /** What she typed in the new-response form, kept when it is refused. */
  draft?: { title: string; body: string };
  /** What she typed editing a response, kept when it is refused (its edit form is shown open). */
  editing?: CannedRow;
}

interface FormProps {
  i18n: Translator;
  /** Keeps ids unique on the page. */
  prefix: string;
  value?: { title: string; body: string };
  /** The refusal of what this form sent, if it was this one. */
  error?: string;
  errorField?: CannedField;
}

/** The title and text fields of one form, with the refusal under the field it is about (or above both). */
function Fields({ i18n, prefix, value, error, errorField }: FormProps) {
  const { t } = i18n;
  const about = (field: CannedField) => (error && errorField === field ? error : undefined);
  return (
    <>
      {error && !errorField ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <AdminField id={`${prefix}-title`} label={t('admin.canned.heading')} error={about('title')}>
        <input id={`${prefix}-title`} name="title" required maxlength="80" value={value?.title ?? ''} {...invalidAttrs(`${prefix}-title`, about('title'))} />
      </AdminField>
      <AdminField id={`${prefix}-body`} label={t('admin.canned.text')} error={about('body')}>
        <textarea id={`${prefix}-body`} name="body" required maxlength="4096" rows="4" {...invalidAttrs(`${prefix}-body`, about('body'))} safe>
          {value?.body ?? ''}
        </textarea>
      </AdminField>
    </>
  );
}

function CannedEntry({ i18n, row, csrf, editing, error, errorField }: { i18n: Translator; row: CannedRow; csrf: string; editing?: CannedRow; error?: string; errorField?: CannedField }) {
  const { t } = i18n;
  const isEditing = editing?.id === row.id;
  return (
    <li id={`canned-${row.id}`} class="admin-card canned-entry">
      <h2 class="canned-entry-title" safe>
        {row.title}
      </h2>
      <p class="canned-entry-body" safe>
        {row.body}
      </p>
      <details open={isEditing}>
        <summary safe>{t('admin.canned.edit')}</summary>
        <form method="post" action={`/admin/canned/${row.id}`} class="admin-form">
          <CsrfField token={csrf} />
          <Fields i18n={i18n} prefix={`canned-${row.id}`} value={isEditing ? editing : row} error={isEditing ? error : undefined} errorField={errorField} />
          <SaveActions i18n={i18n} />
        </form>
      </details>
      <form method="post" action={`/admin/canned/${row.id}/delete`} class="canned-delete">
        <CsrfField token={csrf} />
        <button type="submit" class="secondary danger" safe>
          {t('admin.canned.delete')}
        </button>
      </form>
    </li>
  );
}

/** The row of actions under a canned response's fields: save (the new one's form and each edit form share it). */
function SaveActions({ i18n }: { i18n: Translator }) {
  return (
    <div class="form-actions">
      <button type="submit" safe>
        {i18n.t('admin.canned.save')}
      </button>
    </div>
  );
}

export function CannedPage({ i18n, rows, me, csrf, error, errorField, draft, editing }: CannedPageProps) {
  const { t } = i18n;
  // A refusal is shown in the form that was sent; one about no form (a response gone meanwhile) above them.
  const inForm = draft !== undefined || editing !== undefined;
  return (
    <AdminPage i18n={i18n} current="canned" email={me.email} csrf={csrf} title={t('admin.canned.title')}>
      {error && !inForm ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <div class="canned-layout">
        <form method="post" action="/admin/canned" class="admin-card admin-form canned-new">
          <CsrfField token={csrf} />
          <Fields i18n={i18n} prefix="canned" value={draft} error={draft ? error : undefined} errorField={errorField} />
          <p class="muted small" safe>
            {t('admin.canned.variables')}
          </p>
          <SaveActions i18n={i18n} />
        </form>
        {rows.length > 0 ? (
          <ul class="canned-list">
            {rows.map((row) => (
              <CannedEntry i18n={i18n} row={row} csrf={csrf} editing={editing} error={error} errorField={errorField} />
            ))}
          </ul>
        ) : (
          ''
        )}
      </div>
    </AdminPage>
  );
}
