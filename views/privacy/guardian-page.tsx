/**
 * @module views/privacy/guardian-page — /g/:token, where a minor's guardian reads the privacy notice and authorises or
 * declines the treatment of her data (Law 1581 Art. 7; Decree 1377 Art. 12), confirming her own ID document number.
 * Shows the minor's first name only. Once she has decided, the page shows that decision instead of the form.
 */
import type { Translator } from '../i18n';
import { attr, FormShell } from '../form/shell';

export interface GuardianPageProps {
  i18n: Translator;
  agencyName: string;
  /** The page's own path (`/g/<token>`), for the form and the language switch; absent on a link problem. */
  action?: string;
  minorName?: string;
  notice?: { title: string; body: string };
  /** Her recorded decision and when. */
  decided?: { decision: 'authorised' | 'declined'; at: Date };
  /** What went wrong, already in her language (a wrong number, an expired link). */
  error?: string;
}

/** The notice's plain text: blank lines part paragraphs, `# ` starts a heading (server/privacy/guardian-notice). */
function NoticeText({ body }: { body: string }) {
  return <>{body.split(/\n{2,}/).map((part) => (part.startsWith('# ') ? <h3 safe>{part.slice(2)}</h3> : <p safe>{part}</p>))}</>;
}

function DecisionForm({ i18n, action, minorName }: { i18n: Translator; action: string; minorName: string }) {
  const { t } = i18n;
  return (
    <form method="post" action={attr(`${action}?lang=${i18n.locale}`)} class="guardian-form" novalidate>
      <div class="field">
        <label class="field-label" for="documentNumber" safe>
          {t('privacy.minors.page.document')}
        </label>
        <p class="field-hint" safe>
          {t('privacy.minors.page.documentHint', { minor: minorName })}
        </p>
        <input id="documentNumber" name="documentNumber" autocomplete="off" maxlength="20" required />
      </div>
      <button type="submit" class="submit" name="decision" value="authorised" safe>
        {t('privacy.minors.page.authorise')}
      </button>{' '}
      <button type="submit" class="secondary" name="decision" value="declined" safe>
        {t('privacy.minors.page.decline')}
      </button>
    </form>
  );
}

export function GuardianPage(props: GuardianPageProps) {
  const { i18n, agencyName, action, minorName, notice, decided, error } = props;
  const { t } = i18n;
  const other = i18n.locale === 'es' ? 'en' : 'es';
  const vars = { minor: minorName ?? '', agency: agencyName };
  const outcome = decided ? t(`privacy.minors.page.${decided.decision}`, { ...vars, at: i18n.dateTime(decided.at) }) : undefined;
  return (
    <FormShell title={`${t('privacy.minors.page.title')} — ${agencyName}`} lang={i18n.locale} agencyName={agencyName}>
      {action ? (
        <div class="lang-switch">
          <a href={attr(`${action}?lang=${other}`)} hreflang={other} lang={other} safe>
            {t('privacy.minors.page.switchLabel')}
          </a>
        </div>
      ) : (
        ''
      )}
      <article class="prose">
        <h1 safe>{t('privacy.minors.page.title')}</h1>
        {error ? (
          <p class="error-summary" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        {outcome ? (
          <p class="notice" role="status" safe>
            {outcome}
          </p>
        ) : (
          ''
        )}
        {minorName && !decided ? (
          <>
            <p class="lead" safe>
              {t('privacy.minors.page.intro', vars)}
            </p>
            <p safe>{t('privacy.minors.page.heard', vars)}</p>
            {notice ? (
              <section class="notice-text" aria-label={attr(t('privacy.minors.page.noticeHeading'))}>
                <h2 safe>{notice.title}</h2>
                <NoticeText body={notice.body} />
              </section>
            ) : (
              ''
            )}
            {action ? <DecisionForm i18n={i18n} action={action} minorName={minorName} /> : ''}
          </>
        ) : (
          ''
        )}
      </article>
    </FormShell>
  );
}
