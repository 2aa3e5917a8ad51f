/**
 * @module views/privacy/retention-reports — the last retention runs on /admin/privacy/retention: when, who, daily or
 * manual, dry run or erasure, and counts (due, erased, failed). The reports hold ids only (server/privacy/retention-run).
 */
import type { RetentionReport } from '../../server/privacy/retention-run';
import type { Translator } from '../i18n';

export interface ReportRow {
  at: Date;
  actor: string;
  report: RetentionReport;
}

const sum = (counts: Record<string, number> | undefined) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/** The table of the last runs, newest first; an empty note when there are none. */
export function RetentionReports({ i18n, rows }: { i18n: Translator; rows: ReportRow[] }) {
  const { t } = i18n;
  if (rows.length === 0) {
    return (
      <p class="admin-empty" safe>
        {t('privacy.retention.reports.none')}
      </p>
    );
  }
  return (
    <table class="admin-table retention-reports">
      <thead>
        <tr>
          <th scope="col" safe>
            {t('privacy.retention.reports.when')}
          </th>
          <th scope="col" safe>
            {t('privacy.retention.reports.who')}
          </th>
          <th scope="col" safe>
            {t('privacy.retention.reports.kind')}
          </th>
          <th scope="col" safe>
            {t('privacy.retention.reports.due')}
          </th>
          <th scope="col" safe>
            {t('privacy.retention.reports.erased')}
          </th>
          <th scope="col" safe>
            {t('privacy.retention.reports.failed')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ at, actor, report }) => (
          <tr>
            <td>
              <time datetime={at.toISOString()} safe>
                {i18n.dateTime(at)}
              </time>
            </td>
            <td safe>{actor}</td>
            <td>
              <span safe>{t(report.trigger === 'daily' ? 'privacy.retention.reports.daily' : 'privacy.retention.reports.manual')}</span>{' '}
              <span class={report.dryRun ? 'pill retention-dry' : 'pill retention-real'} safe>
                {t(report.dryRun ? 'privacy.retention.reports.dryRun' : 'privacy.retention.reports.real')}
              </span>
            </td>
            <td data-label={t('privacy.retention.reports.due')} safe>
              {i18n.number(sum(report.due))}
            </td>
            <td data-label={t('privacy.retention.reports.erased')} safe>
              {i18n.number(sum(report.erased))}
            </td>
            <td data-label={t('privacy.retention.reports.failed')} safe>
              {i18n.number(report.failedIds?.length ?? 0)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
