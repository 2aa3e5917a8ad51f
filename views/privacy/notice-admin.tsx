/**
 * @module views/privacy/notice-admin — /admin/privacy/notice: every version of the privacy notice (Decree 1377 Arts.
 * 13–15) with a link to each as published, and the form that publishes the next one, prefilled with the text in force
 * (Spanish required, English optional).
 */
import type { Locale } from '../../actors/vocabulary';
import type { Notice, NoticeText } from '../../server/privacy/notices';
import { AdminField, invalidAttrs } from '../admin/field';
import { AdminPage, CsrfField } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';

/** What the form holds: the texts in force, or what the admin typed when it was refused. */
export interface NoticeDraft {
  es: NoticeText;
  en: NoticeText;
}

export interface NoticeAdminPageProps {
  i18n: Translator;
  email: string;
  csrf: string;
  /** noticeHistory: newest first, both languages. */
  history: Notice[];
  current: number;
  draft: NoticeDraft;
  /** The field a refusal is about (`es.title`, `en.body`…) and what to say. */
  error?: { field: string; message: string };
  done?: string;
  limits: { title: number; body: number };
}

function History({ i18n, history, current }: Pick<NoticeAdminPageProps, 'i18n' | 'history' | 'current'>) {
  const { t } = i18n;
  return (
    <table class="admin-table notice-history">
      <thead>
        <tr>
          <th safe>{t('privacy.consent.notice.version')}</th>
          <th safe>{t('privacy.consent.notice.language')}</th>
          <th safe>{t('privacy.consent.notice.heading')}</th>
          <th safe>{t('privacy.consent.notice.published')}</th>
          <th safe>{t('privacy.consent.notice.author')}</th>
        </tr>
      </thead>
      <tbody>
        {history.map((n) => (
          <tr id={`notice-${n.version}-${n.locale}`}>
            <td>
              <a href={`/privacy?version=${n.version}&lang=${n.locale}`} safe>
                {String(n.version)}
              </a>
              {n.version === current ? <span class="pill state-active" safe>{` ${t('privacy.consent.notice.inForce')}`}</span> : ''}
            </td>
            <td safe>{t(`privacy.consent.notice.languages.${n.locale}`)}</td>
            <td safe>{n.title}</td>
            <td>
              {n.publishedAt ? (
                <time datetime={n.publishedAt.toISOString()} safe>
                  {i18n.dateTime(n.publishedAt)}
                </time>
              ) : (
                <span class="muted" safe>
                  {t('privacy.consent.notice.builtin')}
                </span>
              )}
            </td>
            <td safe>{n.author}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LanguageFields({ i18n, lang, text, error, limits }: { i18n: Translator; lang: Locale; text: NoticeText; error?: NoticeAdminPageProps['error']; limits: NoticeAdminPageProps['limits'] }) {
  const { t } = i18n;
  const about = (field: 'title' | 'body') => (error?.field === `${lang}.${field}` ? error.message : undefined);
  return (
    <fieldset class="notice-language">
      <legend safe>{t(`privacy.consent.notice.${lang}`)}</legend>
      <AdminField id={`notice-${lang}-title`} label={t('privacy.consent.notice.fieldTitle')} error={about('title')}>
        <input
          id={`notice-${lang}-title`}
          name={`${lang}Title`}
          maxlength={String(limits.title)}
          required={lang === 'es'}
          value={text.title}
          {...invalidAttrs(`notice-${lang}-title`, about('title'))}
        />
      </AdminField>
      <AdminField id={`notice-${lang}-body`} label={t('privacy.consent.notice.fieldBody')} error={about('body')}>
        <textarea id={`notice-${lang}-body`} name={`${lang}Body`} rows="16" maxlength={String(limits.body)} required={lang === 'es'} {...invalidAttrs(`notice-${lang}-body`, about('body'))} safe>
          {text.body}
        </textarea>
      </AdminField>
    </fieldset>
  );
}

export function NoticeAdminPage(props: NoticeAdminPageProps) {
  const { i18n, current } = props;
  const { t } = i18n;
  const next = current + 1;
  return (
    <AdminPage i18n={i18n} current="privacy" email={props.email} csrf={props.csrf} title={t('privacy.consent.notice.title')}>
      <PrivacyTabs i18n={i18n} current="notice" />
      <p class="muted" safe>
        {t('privacy.consent.notice.intro')}
      </p>
      {props.done ? (
        <p class="notice" role="status" safe>
          {props.done}
        </p>
      ) : (
        ''
      )}
      <h2 safe>{t('privacy.consent.notice.history')}</h2>
      <History i18n={i18n} history={props.history} current={current} />
      <form method="post" action="/admin/privacy/notice" class="admin-card notice-form" aria-labelledby="notice-form-title">
        <h2 id="notice-form-title" safe>
          {t('privacy.consent.notice.editTitle', { version: next })}
        </h2>
        <CsrfField token={props.csrf} />
        <p class="muted" safe>
          {t('privacy.consent.notice.bodyHint')}
        </p>
        <LanguageFields i18n={i18n} lang="es" text={props.draft.es} error={props.error} limits={props.limits} />
        <LanguageFields i18n={i18n} lang="en" text={props.draft.en} error={props.error} limits={props.limits} />
        <div class="form-actions">
          <button type="submit" safe>
            {t('privacy.consent.notice.submit', { version: next })}
          </button>
        </div>
      </form>
    </AdminPage>
  );
}
