/**
 * @module views/privacy/requests-queue — the admin's queue of data-subject requests (/admin/privacy/requests, Law 1581
 * Arts. 14–15): open ones soonest due first with their business days left and badges, or the closed ones.
 */
import type { QueueItem } from '../../server/privacy/request-queries';
import { AdminPage } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';
import { aspirantLabel, DueCell, labelOf, labels } from './requests-badges';

export interface RequestsQueueProps {
  i18n: Translator;
  me: { email: string };
  csrf: string;
  show: 'open' | 'closed';
  items: QueueItem[];
}

function Filters({ i18n, show }: { i18n: Translator; show: 'open' | 'closed' }) {
  const { t } = i18n;
  return (
    <nav class="audit-filter" aria-label={t('privacy.requests.filters.label')}>
      <a href="/admin/privacy/requests" aria-current={show === 'open' ? 'page' : undefined} safe>
        {t('privacy.requests.filters.open')}
      </a>{' '}
      <a href="/admin/privacy/requests?show=closed" aria-current={show === 'closed' ? 'page' : undefined} safe>
        {t('privacy.requests.filters.closed')}
      </a>
    </nav>
  );
}

function Row({ i18n, item, show }: { i18n: Translator; item: QueueItem; show: 'open' | 'closed' }) {
  const l = labels(i18n);
  return (
    <tr id={`request-${item.id}`} class={item.overdue ? 'request-overdue' : undefined}>
      <td>
        <a href={`/admin/privacy/requests/${item.id}`} safe>
          {labelOf(l.rights, item.right)}
        </a>
      </td>
      <td safe>{labelOf(l.categories, item.category)}</td>
      <td safe>{aspirantLabel(i18n, item)}</td>
      <td safe>{labelOf(l.channels, item.channel)}</td>
      <td safe>{i18n.dateTime(item.receivedAt)}</td>
      <td>{show === 'open' ? <DueCell i18n={i18n} item={item} /> : <span>{item.resolvedAt ? i18n.dateTime(item.resolvedAt) : ''}</span>}</td>
      <td safe>{labelOf(l.statuses, item.status)}</td>
    </tr>
  );
}

export function RequestsQueuePage({ i18n, me, csrf, show, items }: RequestsQueueProps) {
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="privacy" email={me.email} csrf={csrf} title={t('privacy.requests.title')}>
      <PrivacyTabs i18n={i18n} current="requests" />
      <Filters i18n={i18n} show={show} />
      {items.length === 0 ? (
        <p class="admin-empty" safe>
          {t(show === 'open' ? 'privacy.requests.empty.open' : 'privacy.requests.empty.closed')}
        </p>
      ) : (
        <table class="admin-table requests-table">
          <thead>
            <tr>
              <th scope="col" safe>
                {t('privacy.requests.columns.right')}
              </th>
              <th scope="col" safe>
                {t('privacy.requests.columns.category')}
              </th>
              <th scope="col" safe>
                {t('privacy.requests.columns.aspirant')}
              </th>
              <th scope="col" safe>
                {t('privacy.requests.columns.channel')}
              </th>
              <th scope="col" safe>
                {t('privacy.requests.columns.received')}
              </th>
              <th scope="col" safe>
                {t(show === 'open' ? 'privacy.requests.columns.due' : 'privacy.requests.columns.resolved')}
              </th>
              <th scope="col" safe>
                {t('privacy.requests.columns.status')}
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <Row i18n={i18n} item={item} show={show} />
            ))}
          </tbody>
        </table>
      )}
    </AdminPage>
  );
}
