/** @module views/admin/audit — the latest audit entries, read-only, filtered by action: labels in the admin's language, times in their zone. */
import type { Catalogue, Translator } from '../i18n';
import { AdminPage } from './nav';
import { privacyAuditWords } from '../i18n/privacy';

export interface AuditRow {
  id: number;
  createdAt: Date;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
}

/** The filters on screen, as typed (days as YYYY-MM-DD, in the reader's zone). */
export interface AuditFilterValues {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export interface AuditPageProps {
  i18n: Translator;
  entries: AuditRow[];
  /** The next page's cursor (an entry id), when there are older entries. */
  nextBefore?: number;
  /** This page is an older one (`before` was given): it links back to the newest. */
  paged?: boolean;
  /** Users' names by id, for details that name a user by id (an assignment's before and after). */
  people?: ReadonlyMap<number, string>;
  filters: AuditFilterValues;
  me: { email: string };
  csrf: string;
}

/** The audit log's URL for these filters (and page). */
function auditHref(filters: AuditFilterValues, before?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (before) params.set('before', String(before));
  const query = params.toString();
  return query ? `/admin/audit?${query}` : '/admin/audit';
}

type ActionLabels = Catalogue['admin']['audit']['actions'];
type TargetLabels = Catalogue['admin']['audit']['targets'];

/** A code's label in the catalogue, or the code itself for one it does not know (an entry older than its label). */
function labelOf<T extends object>(labels: T, code: string): string {
  return Object.hasOwn(labels, code) ? String(labels[code as keyof T]) : code;
}

/**
 * An entry's details as the admin reads them: each field named in her language, and a value that is a word of ours (a
 * status, a role, a language, why a sign-in failed) in her language too; names, e-mails and numbers as they are.
 */
function Details({ i18n, details, action, people }: { i18n: Translator; details: unknown; action: string; people: ReadonlyMap<number, string> }) {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return details === null || details === undefined ? '' : <code safe>{JSON.stringify(details)}</code>;
  const { fields, reasons, languages } = i18n.messages.admin.audit;
  const words: Record<string, string>[] = [i18n.messages.inbox.statuses, i18n.messages.admin.users.roles, reasons, languages, ...privacyAuditWords(i18n.messages.privacy)];
  const assignment = action === 'conversation.assigned';
  const say = (value: unknown): string => {
    // An assignment names users by id: their names, "Sin asignar" for nobody.
    if (assignment && value === null) return i18n.t('inbox.list.unassigned');
    if (assignment && typeof value === 'number') return people.get(value) ?? `#${value}`;
    if (value === null || value === undefined) return '—';
    if (typeof value === 'boolean') return i18n.messages.privacy.common.auditWords[String(value)] ?? String(value);
    if (typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
    for (const labels of words) if (Object.hasOwn(labels, value)) return labels[value]!;
    return value;
  };
  return (
    <dl class="audit-fields">
      {Object.entries(details).map(([key, value]) => (
        <>
          <dt safe>{labelOf(fields, key)}</dt>
          <dd safe>{say(value)}</dd>
        </>
      ))}
    </dl>
  );
}

function Entry({ i18n, entry, people }: { i18n: Translator; entry: AuditRow; people: ReadonlyMap<number, string> }) {
  const { actions, targets }: { actions: ActionLabels; targets: TargetLabels } = i18n.messages.admin.audit;
  const target = entry.targetType ? `${labelOf(targets, entry.targetType)}${entry.targetId ? ` #${entry.targetId}` : ''}` : '';

  return (
    <tr id={`audit-${entry.id}`}>
      <td>
        <time datetime={entry.createdAt.toISOString()} safe>
          {i18n.dateTime(entry.createdAt)}
        </time>
      </td>
      <td safe>{labelOf(i18n.messages.admin.audit.actors, entry.actor)}</td>
      <td safe>{labelOf(actions, entry.action)}</td>
      <td safe>{target}</td>
      <td class="audit-details">
        <Details i18n={i18n} details={entry.details} action={entry.action} people={people} />
      </td>
      <td safe>{entry.ip ?? ''}</td>
    </tr>
  );
}

export function AuditPage({ i18n, entries, nextBefore, paged = false, people = new Map(), filters, me, csrf }: AuditPageProps) {
  const { t } = i18n;
  const actions: ActionLabels = i18n.messages.admin.audit.actions;
  return (
    <AdminPage i18n={i18n} current="audit" email={me.email} csrf={csrf} title={t('admin.audit.title')}>
      <form method="get" action="/admin/audit" class="admin-card audit-filter">
        <label>
          <span safe>{t('admin.audit.actionFilter')}</span>
          <select name="action">
            <option value="" safe>
              {t('admin.audit.anyAction')}
            </option>
            {Object.entries(actions).map(([code, label]) => (
              <option value={code} selected={code === filters.action} safe>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span safe>{t('admin.audit.actorFilter')}</span>
          <input name="actor" type="search" maxlength="120" value={filters.actor ?? ''} />
        </label>
        <label>
          <span safe>{t('admin.audit.from')}</span>
          <input name="from" type="date" value={filters.from ?? ''} />
        </label>
        <label>
          <span safe>{t('admin.audit.to')}</span>
          <input name="to" type="date" value={filters.to ?? ''} />
        </label>
        <button type="submit" safe>
          {t('admin.audit.filter')}
        </button>
      </form>
      {entries.length === 0 ? (
        <p class="admin-empty" safe>
          {t('admin.audit.none')}
        </p>
      ) : (
        <table class="admin-table audit-table">
          <thead>
            <tr>
              <th safe>{t('admin.audit.when', { timeZone: i18n.timeZone })}</th>
              <th safe>{t('admin.audit.who')}</th>
              <th safe>{t('admin.audit.action')}</th>
              <th safe>{t('admin.audit.target')}</th>
              <th safe>{t('admin.audit.details')}</th>
              <th safe>{t('admin.audit.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <Entry i18n={i18n} entry={entry} people={people} />
            ))}
          </tbody>
        </table>
      )}
      <nav class="audit-pages" aria-label={t('admin.audit.title')}>
        {paged ? (
          <a href={auditHref(filters)} class="newest" safe>
            {t('admin.audit.newest')}
          </a>
        ) : (
          ''
        )}
        {nextBefore ? (
          <a href={auditHref(filters, nextBefore)} rel="next" class="older" safe>
            {t('admin.audit.older')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </AdminPage>
  );
}
