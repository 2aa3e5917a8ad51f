/** @module views/privacy/requests-badges — a data-subject request's labels and clock: its right, category, due day with business days left, and the "Vence hoy", "Vencida" and "reclamo en trámite" badges. */
import type { QueueItem } from '../../server/privacy/request-queries';
import type { Translator } from '../i18n';

type Labels = Translator['messages']['privacy']['requests'];

/** The label of a vocabulary value from one of the catalogue's maps, or the value itself when unknown. */
export function labelOf(map: Record<string, string>, value: string): string {
  return Object.hasOwn(map, value) ? map[value]! : value;
}

export function labels(i18n: Translator): Labels {
  return i18n.messages.privacy.requests;
}

/** A Bogotá day `YYYY-MM-DD` as the reader writes a date (noon UTC: the same calendar day in every zone from UTC−11 to UTC+11). */
export function dayLabel(i18n: Translator, day: string): string {
  return i18n.format(new Date(`${day}T12:00:00Z`), 'date');
}

/** Her name, else her number, else "erased". */
export function aspirantLabel(i18n: Translator, item: Pick<QueueItem, 'aspirantName' | 'aspirantPhone'>): string {
  return item.aspirantName ?? item.aspirantPhone ?? labels(i18n).unknownAspirant;
}

/** The due day, the business days left, and the badges an open request needs. */
export function DueCell({ i18n, item }: { i18n: Translator; item: QueueItem }) {
  const { t } = i18n;
  const open = item.status === 'received' || item.status === 'in_progress';
  return (
    <>
      <span safe>{dayLabel(i18n, item.dueOn)}</span>
      {open && item.daysLeft > 0 ? <span class="due-left" safe>{` · ${t('privacy.requests.due.daysLeft', { count: item.daysLeft })}`}</span> : ''}
      {open && item.overdue ? (
        <span class="pill due-overdue" safe>
          {t('privacy.requests.due.overdue')}
        </span>
      ) : (
        ''
      )}
      {open && !item.overdue && item.daysLeft <= 0 ? (
        <span class="pill due-today" safe>
          {t('privacy.requests.due.today')}
        </span>
      ) : (
        ''
      )}
      {item.extended ? (
        <span class="pill due-extended" safe>
          {t('privacy.requests.due.extended')}
        </span>
      ) : (
        ''
      )}
      {item.tagDueOn ? (
        <span class={item.tagOverdue ? 'pill due-overdue' : 'pill due-tag'} safe>
          {t(item.tagOverdue ? 'privacy.requests.due.tagOverdue' : 'privacy.requests.due.tagBy', { date: dayLabel(i18n, item.tagDueOn) })}
        </span>
      ) : (
        ''
      )}
    </>
  );
}
