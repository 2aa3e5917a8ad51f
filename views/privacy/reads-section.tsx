/**
 * @module views/privacy/reads-section — "who saw her data" in the aspirant panel (admins only; Law 1581 Art. 17 lit. d):
 * her last reads, each with who, what and when in the reader's zone, and a link to the full list on /admin/privacy/reads.
 */
import type { ReadRow } from '../../server/privacy/read-list';
import type { Translator } from '../i18n';
import { panelPartId } from './panel-sections';

/** What was read, in the reader's words: the action, and the file, conversation or search terms it was about. */
export function ReadWhat({ row, i18n }: { row: ReadRow; i18n: Translator }) {
  const { t } = i18n;
  const details = row.details as { q?: unknown } | null;
  const about =
    row.mediaId !== null
      ? t('privacy.reads.page.file', { id: row.mediaId })
      : typeof details?.q === 'string'
        ? t('privacy.reads.page.terms', { q: details.q })
        : row.conversationId !== null
          ? t('privacy.reads.page.conversation', { id: row.conversationId })
          : '';
  return <span safe>{`${t(`privacy.reads.actions.${row.action}`)}${about ? ` — ${about}` : ''}`}</span>;
}

/** Who read: her name and e-mail, or `cli`. */
export function ReadWho({ row }: { row: ReadRow }) {
  return (
    <span title={row.actor} safe>
      {row.userName ?? row.actor}
    </span>
  );
}

/** The section for conversation `conversationId` (aspirant `aspirantId`): its id replaces the panel's placeholder. */
export function ReadsSection({ conversationId, aspirantId, rows, limit, i18n }: { conversationId: number; aspirantId: number; rows: ReadRow[]; limit: number; i18n: Translator }) {
  const { t } = i18n;
  return (
    <div id={panelPartId('reads', conversationId)} class="privacy-part privacy-reads">
      <h4 safe>{t('privacy.reads.section.title')}</h4>
      {rows.length === 0 ? (
        <p class="muted" safe>
          {t('privacy.reads.section.empty')}
        </p>
      ) : (
        <>
          <p class="muted" safe>
            {t('privacy.reads.section.hint', { count: limit })}
          </p>
          <ul class="privacy-reads-list">
            {rows.map((row) => (
              <li>
                <time datetime={row.at.toISOString()} safe>
                  {i18n.dateTime(row.at)}
                </time>{' '}
                <ReadWho row={row} /> · <ReadWhat row={row} i18n={i18n} />
              </li>
            ))}
          </ul>
        </>
      )}
      <a href={`/admin/privacy/reads?aspirant=${aspirantId}`} safe>
        {t('privacy.reads.section.all')}
      </a>
    </div>
  );
}
