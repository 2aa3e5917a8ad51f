/**
 * @module views/privacy/requests-section — the aspirant panel's "requests" section (Law 1581 Arts. 14–15): her
 * data-subject requests with their status and due day, the "reclamo en trámite" legend on a tagged claim, and a small
 * form with which a recruiter opens one on her behalf (channel `recruiter`). Replaces its placeholder
 * (views/privacy/panel-sections) by outerHTML, and is answered again after a request is opened.
 */
import { DATA_SUBJECT_RIGHTS } from '../../actors/vocabulary';
import type { QueueItem } from '../../server/privacy/request-queries';
import type { Translator } from '../i18n';
import { panelPartId } from './panel-sections';
import { dayLabel, labelOf, labels } from './requests-badges';

export interface RequestsSectionProps {
  i18n: Translator;
  conversationId: number;
  csrf: string;
  items: QueueItem[];
  /** Admins get a link to each request's page. */
  admin: boolean;
  notice?: string;
  error?: string;
}

function Item({ i18n, item, admin }: { i18n: Translator; item: QueueItem; admin: boolean }) {
  const { t } = i18n;
  const l = labels(i18n);
  const open = item.status === 'received' || item.status === 'in_progress';
  const title = `${labelOf(l.rights, item.right)} · ${labelOf(l.categories, item.category)} · ${labelOf(l.statuses, item.status)}`;
  return (
    <li id={`panel-request-${item.id}`}>
      {admin ? (
        <a href={`/admin/privacy/requests/${item.id}`} safe>
          {title}
        </a>
      ) : (
        <span safe>{title}</span>
      )}
      {open ? <span class="muted" safe>{` · ${t('privacy.requests.panel.due', { date: dayLabel(i18n, item.dueOn) })}`}</span> : ''}
      {open && item.overdue ? (
        <span class="pill pill-danger" safe>
          {t('privacy.requests.due.overdue')}
        </span>
      ) : (
        ''
      )}
      {open && item.category === 'claim' && item.status === 'in_progress' ? (
        <span class="pill" safe>
          {t('privacy.requests.legend')}
        </span>
      ) : (
        ''
      )}
    </li>
  );
}

export function RequestsSection({ i18n, conversationId, csrf, items, admin, notice, error }: RequestsSectionProps) {
  const { t } = i18n;
  const id = panelPartId('requests', conversationId);
  const action = `/privacy/conversations/${conversationId}/requests`;
  return (
    <div id={id} class="privacy-part privacy-requests">
      <h4 safe>{t('privacy.requests.panel.heading')}</h4>
      {notice ? (
        <p class="muted" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {items.length === 0 ? (
        <p class="muted" safe>
          {t('privacy.requests.panel.none')}
        </p>
      ) : (
        <ul class="privacy-requests-list">
          {items.map((item) => (
            <Item i18n={i18n} item={item} admin={admin} />
          ))}
        </ul>
      )}
      <details open={Boolean(error)}>
        <summary safe>{t('privacy.requests.panel.openFor')}</summary>
        <form method="post" action={action} hx-post={action} hx-target={`#${id}`} hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={csrf} />
          {error ? (
            <p class="field-error" role="alert" safe>
              {error}
            </p>
          ) : (
            ''
          )}
          <label for={`request-right-${conversationId}`} safe>
            {t('privacy.requests.panel.right')}
          </label>
          <select id={`request-right-${conversationId}`} name="right" required>
            {DATA_SUBJECT_RIGHTS.map((right) => (
              <option value={right} safe>
                {labelOf(labels(i18n).rights, right)}
              </option>
            ))}
          </select>
          <label for={`request-words-${conversationId}`} safe>
            {t('privacy.requests.panel.words')}
          </label>
          <textarea id={`request-words-${conversationId}`} name="details" rows="3" maxlength="2000"></textarea>
          <button type="submit" class="secondary" safe>
            {t('privacy.requests.panel.submit')}
          </button>
        </form>
      </details>
    </div>
  );
}
