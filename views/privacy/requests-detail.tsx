/**
 * @module views/privacy/requests-detail — one data-subject request for the admin (/admin/privacy/requests/:id): her
 * words, its clock, and the actions the law gives it (Law 1581 Arts. 14–15): tag it in progress ("reclamo en
 * trámite"), extend its term once with a reason she is told, close it as done or rejected with the answer she is sent.
 */
import type { QueueItem } from '../../server/privacy/request-queries';
import type { RequestRow } from '../../server/privacy/requests';
import { AdminField, invalidAttrs } from '../admin/field';
import { AdminPage, CsrfField } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';
import { aspirantLabel, dayLabel, DueCell, labelOf, labels } from './requests-badges';

export interface RequestDetailProps {
  i18n: Translator;
  me: { email: string };
  csrf: string;
  item: QueueItem;
  row: RequestRow;
  /** The day an extension would move it to (termsFor's extendedDueOn). */
  extendTo: string;
  /** Already in the admin's language. */
  notice?: string;
  error?: string;
  errorField?: 'reason' | 'resolution' | 'status';
  draft?: { reason?: string; resolution?: string; status?: string };
}

function Facts({ i18n, item, row }: { i18n: Translator; item: QueueItem; row: RequestRow }) {
  const { t } = i18n;
  const l = labels(i18n);
  const fact = (label: string, value: JSX.Element | string) => (
    <>
      <dt safe>{label}</dt>
      <dd>{value}</dd>
    </>
  );
  const text = (value: string) => <span safe>{value}</span>;
  return (
    <dl class="audit-fields request-facts">
      {fact(t('privacy.requests.columns.right'), text(labelOf(l.rights, item.right)))}
      {fact(t('privacy.requests.columns.category'), text(labelOf(l.categories, item.category)))}
      {fact(t('privacy.requests.columns.status'), text(labelOf(l.statuses, item.status)))}
      {fact(t('privacy.requests.columns.aspirant'), text(aspirantLabel(i18n, item)))}
      {fact(t('privacy.requests.columns.channel'), text(labelOf(l.channels, item.channel)))}
      {fact(t('privacy.requests.columns.received'), text(i18n.dateTime(item.receivedAt)))}
      {fact(t('privacy.requests.columns.due'), <DueCell i18n={i18n} item={item} />)}
      {row.taggedAt ? fact(t('privacy.requests.legend'), text(t('privacy.requests.detail.taggedAt', { date: i18n.dateTime(row.taggedAt) }))) : ''}
      {row.extensionReason ? fact(t('privacy.requests.detail.extensionReason'), text(row.extensionReason)) : ''}
      {row.resolution ? fact(t('privacy.requests.detail.resolution'), text(row.resolution)) : ''}
      {row.resolvedAt ? fact(t('privacy.requests.columns.resolved'), text(t('privacy.requests.detail.resolvedAt', { date: i18n.dateTime(row.resolvedAt) }))) : ''}
    </dl>
  );
}

function Links({ i18n, item }: { i18n: Translator; item: QueueItem }) {
  const { t } = i18n;
  const dataRight = item.right === 'erasure' || item.right === 'access';
  return (
    <p class="form-actions">
      {item.conversationId ? (
        <a href={`/inbox/${item.conversationId}`} safe>
          {t('privacy.requests.detail.conversation')}
        </a>
      ) : (
        ''
      )}
      {dataRight && item.aspirantId ? (
        <a href={`/admin/privacy/aspirants/${item.aspirantId}`} safe>
          {t('privacy.requests.detail.aspirantData')}
        </a>
      ) : (
        ''
      )}
    </p>
  );
}

function Actions(props: RequestDetailProps) {
  const { i18n, item, row, csrf, error, errorField, draft } = props;
  const { t } = i18n;
  const about = (field: RequestDetailProps['errorField']) => (error && errorField === field ? error : undefined);
  const base = `/admin/privacy/requests/${item.id}`;
  return (
    <>
      {row.status === 'received' ? (
        <form method="post" action={`${base}/tag`} class="admin-card admin-form">
          <CsrfField token={csrf} />
          <button type="submit" safe>
            {t(item.category === 'claim' ? 'privacy.requests.actions.tag' : 'privacy.requests.actions.start')}
          </button>
        </form>
      ) : (
        ''
      )}
      {!item.extended && !item.overdue ? (
        <form method="post" action={`${base}/extend`} class="admin-card admin-form">
          <CsrfField token={csrf} />
          <h2 safe>{t('privacy.requests.actions.extend')}</h2>
          <p safe>{t('privacy.requests.actions.extendHint', { date: dayLabel(i18n, props.extendTo) })}</p>
          <AdminField id="request-reason" label={t('privacy.requests.actions.reason')} error={about('reason')}>
            <textarea id="request-reason" name="reason" required maxlength="500" rows="2" {...invalidAttrs('request-reason', about('reason'))} safe>
              {draft?.reason ?? ''}
            </textarea>
          </AdminField>
          <button type="submit" class="secondary" safe>
            {t('privacy.requests.actions.extend')}
          </button>
        </form>
      ) : (
        ''
      )}
      <form method="post" action={`${base}/resolve`} class="admin-card admin-form">
        <CsrfField token={csrf} />
        <h2 safe>{t('privacy.requests.actions.resolve')}</h2>
        <fieldset class="inline-form" {...invalidAttrs('request-status', about('status'))}>
          <legend class="visually-hidden" safe>
            {t('privacy.requests.columns.status')}
          </legend>
          {(['done', 'rejected'] as const).map((status) => (
            <label>
              <input type="radio" name="status" value={status} required checked={(draft?.status ?? 'done') === status} /> <span safe>{t(`privacy.requests.actions.${status}`)}</span>
            </label>
          ))}
          {about('status') ? (
            <p class="admin-field-error" id="request-status-error" role="alert" safe>
              {about('status')}
            </p>
          ) : (
            ''
          )}
        </fieldset>
        <AdminField id="request-resolution" label={t('privacy.requests.actions.resolution')} error={about('resolution')}>
          <textarea id="request-resolution" name="resolution" required maxlength="1400" rows="4" {...invalidAttrs('request-resolution', about('resolution'))} safe>
            {draft?.resolution ?? ''}
          </textarea>
        </AdminField>
        <button type="submit" safe>
          {t('privacy.requests.actions.resolve')}
        </button>
      </form>
    </>
  );
}

export function RequestDetailPage(props: RequestDetailProps) {
  const { i18n, item, row, me, csrf, notice, error, errorField } = props;
  const { t } = i18n;
  const open = item.status === 'received' || item.status === 'in_progress';
  return (
    <AdminPage i18n={i18n} current="privacy" email={me.email} csrf={csrf} title={t('privacy.requests.detail.title', { id: item.id })}>
      <PrivacyTabs i18n={i18n} current="requests" />
      <p>
        <a href={open ? '/admin/privacy/requests' : '/admin/privacy/requests?show=closed'} safe>
          {t('privacy.requests.detail.back')}
        </a>
      </p>
      {notice ? (
        <p class="notice" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {error && !errorField ? (
        <p class="admin-alert" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <Facts i18n={i18n} item={item} row={row} />
      <p class="muted" safe>
        {t(item.category === 'claim' ? 'privacy.requests.detail.law.claim' : 'privacy.requests.detail.law.query')}
      </p>
      <h2 safe>{t('privacy.requests.detail.words')}</h2>
      <p class="admin-card request-words" safe>
        {row.details ?? t('privacy.requests.detail.noWords')}
      </p>
      <Links i18n={i18n} item={item} />
      {open ? <Actions {...props} /> : ''}
    </AdminPage>
  );
}
