/**
 * @module views/privacy/consent-section — "Autorizaciones" in the aspirant panel: her consent ledger newest first (Law
 * 1581 Art. 9, Decree 1377 Art. 8 — the proof of each authorisation and revocation), each row with its scope, the
 * decision, the notice version she was shown (a link to that text), the channel and the time in the reader's zone; the
 * IP and browser only for admins. Below, the form a recruiter records a revocation she asked for with (Art. 8 e).
 */
import { CONSENT_SCOPES, type ConsentScope, type PrivacyChannel } from '../../actors/vocabulary';
import type { ConsentRow } from '../../server/privacy/consents';
import type { Translator } from '../i18n';
import { CsrfField } from '../inbox/csrf-field';
import { panelPartId } from './panel-sections';

export interface ConsentSectionProps {
  i18n: Translator;
  conversationId: number;
  rows: ConsentRow[];
  /** Admins see where a decision came from (IP, user agent). */
  admin: boolean;
  csrf?: string;
  /** Longest note accepted with a revocation. */
  noteMax: number;
  notice?: string;
  error?: string;
}

function LedgerRow({ row, admin, i18n }: { row: ConsentRow; admin: boolean; i18n: Translator }) {
  const { t } = i18n;
  const origin = [row.ip, row.userAgent].filter(Boolean).join(' · ');
  return (
    <li id={`consent-${row.id}`} class={`consent-${row.decision}`}>
      <strong safe>{t(`privacy.consent.scopes.${row.scope as ConsentScope}`)}</strong>
      {' — '}
      <span safe>{t(`privacy.consent.decisions.${row.decision === 'revocation' ? 'revocation' : 'authorisation'}`)}</span>
      {row.grantedBy === 'guardian' ? <span safe>{` (${t('privacy.consent.section.byGuardian')})`}</span> : ''} ·{' '}
      <a href={`/privacy?version=${row.noticeVersion}&lang=${row.noticeLocale === 'en' ? 'en' : 'es'}`} target="_blank" rel="noopener" title={t('privacy.consent.section.version')} safe>
        {t('privacy.consent.section.versionLink', { version: row.noticeVersion })}
      </a>{' '}
      · <span safe>{t(`privacy.consent.channels.${row.channel as PrivacyChannel}`)}</span> ·{' '}
      <time datetime={row.at.toISOString()} safe>
        {i18n.dateTime(row.at)}
      </time>
      {admin && origin ? (
        <div class="muted consent-origin" title={t('privacy.consent.section.origin')} safe>
          {origin}
        </div>
      ) : (
        ''
      )}
    </li>
  );
}

function RevokeForm({ i18n, conversationId, csrf, noteMax }: Pick<ConsentSectionProps, 'i18n' | 'conversationId' | 'csrf' | 'noteMax'>) {
  const { t } = i18n;
  const target = `#${panelPartId('consent', conversationId)}`;
  return (
    <form
      method="post"
      action={`/privacy/conversations/${conversationId}/consent`}
      hx-post={`/privacy/conversations/${conversationId}/consent`}
      hx-target={target}
      hx-swap="outerHTML"
      class="consent-revoke"
    >
      <CsrfField csrf={csrf} />
      <h5 safe>{t('privacy.consent.section.revokeTitle')}</h5>
      <label>
        <span safe>{t('privacy.consent.section.revokeScope')}</span>
        <select name="scope" required>
          {CONSENT_SCOPES.map((scope) => (
            <option value={scope} safe>
              {t(`privacy.consent.scopes.${scope}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span safe>{t('privacy.consent.section.revokeNote')}</span>
        <input type="text" name="note" maxlength={String(noteMax)} />
      </label>
      <p class="muted" safe>
        {t('privacy.consent.section.revokeHint')}
      </p>
      <button type="submit" class="secondary" safe>
        {t('privacy.consent.section.revokeSubmit')}
      </button>
    </form>
  );
}

/** The section; its id replaces the panel's placeholder and is the target of the revocation form. */
export function ConsentSection(props: ConsentSectionProps) {
  const { i18n, rows } = props;
  const { t } = i18n;
  return (
    <div id={panelPartId('consent', props.conversationId)} class="privacy-part privacy-consent">
      <h4 safe>{t('privacy.consent.section.title')}</h4>
      {props.notice ? (
        <p class="notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      {rows.length === 0 ? (
        <p class="muted" safe>
          {t('privacy.consent.section.empty')}
        </p>
      ) : (
        <ul class="consent-ledger">
          {rows.map((row) => (
            <LedgerRow row={row} admin={props.admin} i18n={i18n} />
          ))}
        </ul>
      )}
      <RevokeForm i18n={i18n} conversationId={props.conversationId} csrf={props.csrf} noteMax={props.noteMax} />
    </div>
  );
}
