/**
 * @module views/privacy/retention-page — /admin/privacy/retention (Law 1581 Art. 4 lit. b and Art. 11; Decree 1377
 * Art. 11): each rule's period and whether the daily run erases, who is due now and by which rule (a dry run: ids,
 * masked number, last message), the last runs' reports, and "run now" behind a typed confirmation.
 */
import { RETENTION_RULES, RETENTION_VARIABLES, type RetentionConfig, type RetentionPeriod } from '../../server/config-retention';
import type { DueAspirant } from '../../server/privacy/retention';
import { AdminField, invalidAttrs } from '../admin/field';
import { AdminPage, CsrfField } from '../admin/nav';
import type { Translator } from '../i18n';
import { PrivacyTabs } from './admin-tabs';
import { RetentionReports, type ReportRow } from './retention-reports';

/** Whether "run now" may erase: yes, or why not (RETENTION_ENABLED off, no erasure wired). */
export type RunState = 'ready' | 'disabled' | 'noErase';

export interface RetentionPageProps {
  i18n: Translator;
  email: string;
  csrf: string;
  settings: RetentionConfig;
  /** The first ones due (oldest activity first); `dueTotal` counts them all. */
  due: DueAspirant[];
  dueTotal: number;
  reports: ReportRow[];
  run: RunState;
  /** Already in the admin's language. */
  notice?: string;
  error?: string;
}

/** A period in words ("6 meses"), or "off". */
export function periodLabel(i18n: Translator, period: RetentionPeriod | null): string {
  return period ? i18n.t(`privacy.retention.periods.${period.unit}`, { count: period.count }) : i18n.t('privacy.retention.settings.off');
}

function Settings({ i18n, settings }: { i18n: Translator; settings: RetentionConfig }) {
  const { t } = i18n;
  return (
    <section class="privacy-section" aria-labelledby="retention-settings">
      <h2 id="retention-settings" safe>
        {t('privacy.retention.settings.heading')}
      </h2>
      <p class={settings.enabled ? 'notice' : 'admin-alert'} role="status" safe>
        {t(settings.enabled ? 'privacy.retention.settings.enabled' : 'privacy.retention.settings.disabled', { hour: String(settings.hour).padStart(2, '0') })}
      </p>
      <dl class="retention-rules">
        {RETENTION_RULES.map((rule) => (
          <div class="admin-card">
            <dt safe>{t(`privacy.retention.rules.${rule}`)}</dt>
            <dd class="retention-period" safe>
              {periodLabel(i18n, settings.periods[rule])}
            </dd>
            <dd class="muted" safe>
              {t(`privacy.retention.ruleHints.${rule}`)}
            </dd>
            <dd>
              <code safe>{RETENTION_VARIABLES[rule].name}</code>
            </dd>
          </div>
        ))}
      </dl>
      <p class="muted" safe>
        {t('privacy.retention.settings.never')}
      </p>
    </section>
  );
}

function DueList({ i18n, due, dueTotal }: Pick<RetentionPageProps, 'i18n' | 'due' | 'dueTotal'>) {
  const { t } = i18n;
  return (
    <section class="privacy-section" aria-labelledby="retention-due">
      <h2 id="retention-due" safe>
        {t('privacy.retention.due.heading')}
      </h2>
      <p class="muted" safe>
        {t('privacy.retention.due.hint')}
      </p>
      {dueTotal === 0 ? (
        <p class="admin-empty" safe>
          {t('privacy.retention.due.none')}
        </p>
      ) : (
        <>
          <p id="retention-due-count" safe>
            {t('privacy.retention.due.count', { count: dueTotal })}
          </p>
          <table class="admin-table retention-due">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('privacy.retention.due.aspirant')}
                </th>
                <th scope="col" safe>
                  {t('privacy.retention.due.phone')}
                </th>
                <th scope="col" safe>
                  {t('privacy.retention.due.rule')}
                </th>
                <th scope="col" safe>
                  {t('privacy.retention.due.since')}
                </th>
              </tr>
            </thead>
            <tbody>
              {due.map((one) => (
                <tr id={`due-${one.aspirantId}`}>
                  <td>
                    <a href={`/inbox/${one.conversationId}`} safe>
                      {`#${one.aspirantId}`}
                    </a>
                  </td>
                  <td safe>{one.maskedPhone}</td>
                  <td safe>{t(`privacy.retention.rules.${one.rule}`)}</td>
                  <td>
                    <time datetime={one.lastMessageAt.toISOString()} safe>
                      {i18n.dateTime(one.lastMessageAt)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {dueTotal > due.length ? (
            <p class="muted" safe>
              {t('privacy.retention.due.more', { count: dueTotal - due.length })}
            </p>
          ) : (
            ''
          )}
        </>
      )}
    </section>
  );
}

function RunNow({ i18n, csrf, run, dueTotal, error }: Pick<RetentionPageProps, 'i18n' | 'csrf' | 'run' | 'dueTotal' | 'error'>) {
  const { t } = i18n;
  const word = t('privacy.retention.run.word');
  const blocked = run === 'disabled' ? t('privacy.retention.run.disabled') : run === 'noErase' ? t('privacy.retention.run.noErase') : dueTotal === 0 ? t('privacy.retention.run.nothing') : undefined;
  return (
    <section class="privacy-section" aria-labelledby="retention-run">
      <h2 id="retention-run" safe>
        {t('privacy.retention.run.heading')}
      </h2>
      {blocked ? (
        <p class="admin-card muted" id="retention-run-blocked" safe>
          {blocked}
        </p>
      ) : (
        <form method="post" action="/admin/privacy/retention/run" class="admin-card admin-form retention-run">
          <CsrfField token={csrf} />
          <p safe>{t('privacy.retention.run.hint')}</p>
          <AdminField id="retention-confirm" label={t('privacy.retention.run.confirm', { word })} error={error}>
            <input id="retention-confirm" name="confirm" type="text" required autocomplete="off" maxlength="40" {...invalidAttrs('retention-confirm', error)} />
          </AdminField>
          <p class="form-actions">
            <button type="submit" class="danger" safe>
              {t('privacy.retention.run.button')}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}

export function RetentionPage(props: RetentionPageProps) {
  const { i18n } = props;
  const { t } = i18n;
  return (
    <AdminPage i18n={i18n} current="privacy" email={props.email} csrf={props.csrf} title={t('privacy.retention.title')}>
      <PrivacyTabs i18n={i18n} current="retention" />
      {props.notice ? (
        <p class="notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      <p class="muted" safe>
        {t('privacy.retention.intro')}
      </p>
      <Settings i18n={i18n} settings={props.settings} />
      <DueList i18n={i18n} due={props.due} dueTotal={props.dueTotal} />
      <RunNow i18n={i18n} csrf={props.csrf} run={props.run} dueTotal={props.dueTotal} error={props.error} />
      <section class="privacy-section" aria-labelledby="retention-reports">
        <h2 id="retention-reports" safe>
          {t('privacy.retention.reports.heading')}
        </h2>
        <RetentionReports i18n={i18n} rows={props.reports} />
      </section>
    </AdminPage>
  );
}
