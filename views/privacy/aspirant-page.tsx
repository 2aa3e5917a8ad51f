/**
 * @module views/privacy/aspirant-page — one person's data for an admin (/admin/privacy/aspirants/:id; Law 1581 Arts. 8
 * and 15): who she is and how much is held, by count; Export (her ZIP archive) and Erase, which asks for her id or
 * number typed again. Once she is erased, the same address says when, by whom and what was deleted — counts only.
 */
import type { RowCounts } from '../../server/privacy/erase';
import type { ErasureRecord } from '../../server/privacy/erase-records';
import type { AspirantSummary } from '../../server/privacy/export-lookup';
import { AdminField, invalidAttrs } from '../admin/field';
import { AdminPage, CsrfField } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';

const COUNT_KEYS = ['conversations', 'messages', 'media', 'notes', 'formSubmissions', 'consents', 'guardians', 'journalEvents'] as const satisfies readonly (keyof RowCounts)[];

interface PageBase {
  i18n: Translator;
  me: { email: string };
  csrf: string;
}

/** The counts as a definition list; values missing from an old entry are left out. */
export function CountList({ i18n, counts }: { i18n: Translator; counts: Partial<Record<keyof RowCounts, unknown>> }) {
  return (
    <dl class="audit-fields erasure-counts">
      {COUNT_KEYS.filter((key) => typeof counts[key] === 'number').map((key) => (
        <>
          <dt safe>{i18n.t(`privacy.erasure.counts.${key}`)}</dt>
          <dd safe>{String(counts[key])}</dd>
        </>
      ))}
    </dl>
  );
}

function Who({ i18n, summary }: { i18n: Translator; summary: AspirantSummary }) {
  const { t } = i18n;
  const fact = (label: string, value: string) => (
    <>
      <dt safe>{label}</dt>
      <dd safe>{value}</dd>
    </>
  );
  return (
    <dl class="audit-fields">
      {fact(t('privacy.erasure.page.name'), summary.name ?? '—')}
      {fact(t('privacy.erasure.page.phone'), summary.phone ?? summary.whatsappId)}
      {fact(t('privacy.erasure.page.since'), i18n.dateTime(new Date(summary.createdAt)))}
      {fact(t('privacy.erasure.page.optedOut'), t(summary.optedOut ? 'privacy.erasure.page.yes' : 'privacy.erasure.page.no'))}
    </dl>
  );
}

/** Her page while she is held: summary, Export, Erase (with `error` after a confirmation that did not name her). */
export function AspirantDataPage(props: PageBase & { summary: AspirantSummary; error?: string }) {
  const { i18n, summary, csrf, error } = props;
  const { t } = i18n;
  const base = `/admin/privacy/aspirants/${summary.id}`;
  return (
    <AdminPage i18n={i18n} current="privacy" email={props.me.email} csrf={csrf} title={t('privacy.erasure.page.title', { id: summary.id })}>
      <PrivacyTabs i18n={i18n} current="requests" />
      {error ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <p safe>{t('privacy.erasure.page.intro')}</p>
      <section class="admin-card">
        <h2 safe>{t('privacy.erasure.page.who')}</h2>
        <Who i18n={i18n} summary={summary} />
        <h2 safe>{t('privacy.erasure.page.held')}</h2>
        <CountList i18n={i18n} counts={summary.counts} />
      </section>
      <form method="post" action={`${base}/export`} class="admin-card admin-form">
        <CsrfField token={csrf} />
        <h2 safe>{t('privacy.erasure.export.title')}</h2>
        <p safe>{t('privacy.erasure.export.hint')}</p>
        <button type="submit" class="secondary" safe>
          {t('privacy.erasure.export.button')}
        </button>
      </form>
      <form method="post" action={`${base}/erase`} class="admin-card admin-form danger-zone">
        <CsrfField token={csrf} />
        <h2 safe>{t('privacy.erasure.erase.title')}</h2>
        <p safe>{t('privacy.erasure.erase.hint')}</p>
        <AdminField id="erase-confirm" label={t('privacy.erasure.erase.confirm', { id: summary.id })} error={error}>
          <input id="erase-confirm" name="confirm" required maxlength="80" autocomplete="off" {...invalidAttrs('erase-confirm', error)} />
        </AdminField>
        <button type="submit" class="danger" safe>
          {t('privacy.erasure.erase.button')}
        </button>
      </form>
    </AdminPage>
  );
}

/** Her page once erased: when, by whom, what was deleted (counts), and whether files are still to go. */
export function AspirantErasedPage(props: PageBase & { id: number; record: ErasureRecord; done: boolean; pending: boolean }) {
  const { i18n, record } = props;
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="privacy" email={props.me.email} csrf={props.csrf} title={t('privacy.erasure.erased.title', { id: props.id })}>
      <PrivacyTabs i18n={i18n} current="requests" />
      {props.done ? (
        <p class="notice" role="status" safe>
          {t('privacy.erasure.erased.done')}
        </p>
      ) : (
        ''
      )}
      {props.pending ? (
        <p class="admin-alert" role="alert" safe>
          {t('privacy.erasure.erased.pending')}
        </p>
      ) : (
        ''
      )}
      <p safe>{t('privacy.erasure.erased.when', { date: i18n.dateTime(record.at), actor: record.actor })}</p>
      <section class="admin-card">
        <h2 safe>{t('privacy.erasure.erased.deleted')}</h2>
        <CountList i18n={i18n} counts={record.details as Partial<Record<keyof RowCounts, unknown>>} />
      </section>
    </AdminPage>
  );
}
