/**
 * @module views/privacy/notice-public — `/privacy?version=N`: one version of the privacy notice as it was published
 * (the proof of what an aspirant was shown, Law 1581 Art. 9; Decree 1377 Art. 13), and the page for a version that
 * does not exist. Public: no session, nothing about any aspirant.
 */
import type { Locale } from '../../actors/vocabulary';
import { FormShell } from '../form/shell';
import { translator } from '../i18n';
import { NoticeBody } from './notice-body';

export interface NoticeVersionPageProps {
  locale: Locale;
  agencyName: string;
  version: number;
  title: string;
  /** `{agencyName}` already filled in. */
  body: string;
  publishedAt: Date | null;
}

/** The version's text, with its number and date (Bogotá) and a link to the version in force. */
export function NoticeVersionPage(props: NoticeVersionPageProps) {
  const i18n = translator(props.locale);
  const { t } = i18n;
  const other: Locale = props.locale === 'es' ? 'en' : 'es';
  return (
    <FormShell title={props.title} lang={props.locale} agencyName={props.agencyName}>
      <article class="privacy-notice" data-version={String(props.version)}>
        <h1 safe>{props.title}</h1>
        <p class="muted" safe>
          {t('privacy.consent.public.versionOf', { version: props.version }) +
            (props.publishedAt ? ` · ${t('privacy.consent.public.publishedOn', { date: i18n.format(props.publishedAt, 'date') })}` : '')}
        </p>
        <NoticeBody body={props.body} />
        <p>
          <a href={`/privacy?version=${props.version}&lang=${other}`} hreflang={other} safe>
            {translator(other).t(`privacy.consent.notice.languages.${other}`)}
          </a>{' '}
          ·{' '}
          <a href={`/privacy?lang=${props.locale}`} safe>
            {t('privacy.consent.public.current')}
          </a>
        </p>
      </article>
    </FormShell>
  );
}

/** The 404 page for a version number that was never published. */
export function NoticeVersionNotFoundPage({ locale, agencyName }: { locale: Locale; agencyName: string }) {
  const { t } = translator(locale);
  return (
    <FormShell title={t('privacy.consent.public.notFoundTitle')} lang={locale} agencyName={agencyName}>
      <h1 safe>{t('privacy.consent.public.notFoundTitle')}</h1>
      <p safe>{t('privacy.consent.public.notFound')}</p>
      <p>
        <a href={`/privacy?lang=${locale}`} safe>
          {t('privacy.consent.public.current')}
        </a>
      </p>
    </FormShell>
  );
}
