/**
 * @module views/privacy/reads-page — /admin/privacy/reads: every read of personal data, newest first, filtered by
 * aspirant id, user and action, one page at a time (keyset: "older" carries the last id). Law 1581 Art. 17 lit. d.
 */
import { READ_ACTIONS } from '../../actors/vocabulary';
import type { ReadFilter, ReadRow } from '../../server/privacy/read-list';
import { AdminPage } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';
import { ReadWhat, ReadWho } from './reads-section';

export interface ReadsPageProps {
  i18n: Translator;
  email: string;
  csrf: string;
  filter: ReadFilter;
  users: { id: number; name: string; email: string }[];
  rows: ReadRow[];
  next?: string;
  /** A filter that could not be read (said above the form, the list left unfiltered by it). */
  error?: string;
}

/** The query of this page for `filter` (and `cursor`), for the "older" link. */
export function readsQuery(filter: ReadFilter, cursor?: string): string {
  const params = new URLSearchParams();
  if (filter.aspirantId !== undefined) params.set('aspirant', String(filter.aspirantId));
  if (filter.userId !== undefined) params.set('user', String(filter.userId));
  if (filter.action !== undefined) params.set('action', filter.action);
  if (cursor) params.set('before', cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function Filters({ i18n, filter, users }: Pick<ReadsPageProps, 'i18n' | 'filter' | 'users'>) {
  const { t } = i18n;
  return (
    <form class="privacy-filters" method="get" action="/admin/privacy/reads">
      <label>
        <span safe>{t('privacy.reads.page.aspirant')}</span>
        <input type="text" inputmode="numeric" name="aspirant" value={filter.aspirantId === undefined ? '' : String(filter.aspirantId)} maxlength="10" />
      </label>
      <label>
        <span safe>{t('privacy.reads.page.user')}</span>
        <select name="user">
          <option value="" safe>
            {t('privacy.reads.page.anyUser')}
          </option>
          {users.map((u) => (
            <option value={String(u.id)} selected={u.id === filter.userId} safe>
              {`${u.name} <${u.email}>`}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span safe>{t('privacy.reads.page.action')}</span>
        <select name="action">
          <option value="" safe>
            {t('privacy.reads.page.anyAction')}
          </option>
          {READ_ACTIONS.map((action) => (
            <option value={action} selected={action === filter.action} safe>
              {t(`privacy.reads.actions.${action}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" safe>
        {t('privacy.reads.page.filter')}
      </button>{' '}
      <a href="/admin/privacy/reads" safe>
        {t('privacy.reads.page.clear')}
      </a>
    </form>
  );
}

export function ReadsPage(props: ReadsPageProps) {
  const { i18n, rows } = props;
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="privacy" email={props.email} csrf={props.csrf} title={t('privacy.reads.page.title')}>
      <PrivacyTabs i18n={i18n} current="reads" />
      <p class="muted" safe>
        {t('privacy.reads.page.intro')}
      </p>
      {props.error ? (
        <p class="error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      <Filters i18n={i18n} filter={props.filter} users={props.users} />
      {rows.length === 0 ? (
        <p safe>{t('privacy.reads.page.none')}</p>
      ) : (
        <table class="privacy-reads">
          <thead>
            <tr>
              <th safe>{t('privacy.reads.page.when')}</th>
              <th safe>{t('privacy.reads.page.who')}</th>
              <th safe>{t('privacy.reads.page.what')}</th>
              <th safe>{t('privacy.reads.page.whose')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr id={`read-${row.id}`}>
                <td>
                  <time datetime={row.at.toISOString()} safe>
                    {i18n.dateTime(row.at)}
                  </time>
                </td>
                <td>
                  <ReadWho row={row} />
                </td>
                <td>
                  <ReadWhat row={row} i18n={i18n} />
                </td>
                <td>
                  {row.aspirantId !== null ? (
                    <a href={`/admin/privacy/reads${readsQuery({ aspirantId: row.aspirantId })}`} safe>
                      {t('privacy.reads.page.aspirantId', { id: row.aspirantId })}
                    </a>
                  ) : row.action === 'search' ? (
                    ''
                  ) : (
                    <span class="muted" safe>
                      {t('privacy.reads.page.erased')}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.next ? (
        <p>
          <a rel="next" href={`/admin/privacy/reads${readsQuery(props.filter, props.next)}`} safe>
            {t('privacy.reads.page.next')}
          </a>
        </p>
      ) : (
        ''
      )}
    </AdminPage>
  );
}
