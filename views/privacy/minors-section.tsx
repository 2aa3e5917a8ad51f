/**
 * @module views/privacy/minors-section — the aspirant panel's minors section (Law 1581 Art. 7; Decree 1377 Art. 12):
 * her age and date of birth, her guardian (name, document, relationship, contact), where the authorisation stands
 * (link sent / authorised / declined), the link a recruiter can copy and send herself, and a button that sends it
 * again on WhatsApp. Replaces its placeholder (views/privacy/panel-sections) by outerHTML, and answers the resend.
 */
import type { Guardian } from '../../server/privacy/guardians';
import type { Translator } from '../i18n';
import { panelPartId } from './panel-sections';

export interface MinorsSectionProps {
  i18n: Translator;
  conversationId: number;
  csrf: string;
  age: number;
  birthDate: string;
  guardian?: Guardian;
  /** The guardian's signed link, fresh (valid GUARDIAN_LINK_TTL from now), while she has not decided. */
  link?: string;
  notice?: string;
  error?: string;
}

function Status({ i18n, guardian }: { i18n: Translator; guardian: Guardian }) {
  const { t } = i18n;
  if (guardian.authorisedAt)
    return (
      <p class="pill pill-ok" safe>
        {t('privacy.minors.section.authorised', { at: i18n.dateTime(guardian.authorisedAt) })}
      </p>
    );
  if (guardian.declinedAt)
    return (
      <p class="pill pill-danger" safe>
        {t('privacy.minors.section.declined', { at: i18n.dateTime(guardian.declinedAt) })}
      </p>
    );
  return (
    <>
      <p class="pill pill-warning" safe>
        {t('privacy.minors.section.pending')}
      </p>
      <p class="muted" safe>
        {guardian.linkSentAt ? t('privacy.minors.section.linkSent', { at: i18n.dateTime(guardian.linkSentAt) }) : t('privacy.minors.section.linkNotSent')}
      </p>
      <p class="muted" safe>
        {t('privacy.minors.section.photosHeld')}
      </p>
    </>
  );
}

function GuardianDetails({ i18n, guardian }: { i18n: Translator; guardian: Guardian }) {
  const { t } = i18n;
  const relationship = i18n.messages.privacy.minors.relationships[guardian.relationship] ?? guardian.relationship;
  const contact = [guardian.phone, guardian.email].filter(Boolean).join(' · ');
  return (
    <dl class="privacy-minor-guardian">
      <dt safe>{t('privacy.minors.section.guardian')}</dt>
      <dd safe>{guardian.name}</dd>
      <dt safe>{t('privacy.minors.section.document')}</dt>
      <dd safe>{`${guardian.documentType} ${maskDocument(guardian.documentNumber)}`}</dd>
      <dt safe>{t('privacy.minors.section.relationship')}</dt>
      <dd safe>{relationship}</dd>
      <dt safe>{t('privacy.minors.section.contact')}</dt>
      <dd safe>{contact}</dd>
    </dl>
  );
}

function LinkTools({ i18n, conversationId, csrf, guardian, link }: MinorsSectionProps & { guardian: Guardian; link: string }) {
  const { t } = i18n;
  const id = panelPartId('minors', conversationId);
  const action = `/privacy/conversations/${conversationId}/minors/resend`;
  return (
    <>
      {!guardian.phone && guardian.email ? (
        <p class="muted" safe>
          {t('privacy.minors.section.emailOnly', { email: guardian.email })}
        </p>
      ) : (
        ''
      )}
      <label for={`guardian-link-${conversationId}`} safe>
        {t('privacy.minors.section.copy')}
      </label>
      <input id={`guardian-link-${conversationId}`} type="text" readonly value={Bun.escapeHTML(link)} />
      {guardian.phone ? (
        <form method="post" action={action} hx-post={action} hx-target={`#${id}`} hx-swap="outerHTML">
          <input type="hidden" name="_csrf" value={csrf} />
          <button type="submit" class="secondary" safe>
            {t('privacy.minors.section.resend')}
          </button>
        </form>
      ) : (
        ''
      )}
    </>
  );
}

export function MinorsSection(props: MinorsSectionProps) {
  const { i18n, conversationId, age, birthDate, guardian, link, notice, error } = props;
  const { t } = i18n;
  return (
    <div id={panelPartId('minors', conversationId)} class="privacy-part privacy-minors">
      <h4 safe>{t('privacy.minors.section.title')}</h4>
      <p safe>{t('privacy.minors.section.age', { age, birthDate })}</p>
      {notice ? (
        <p class="muted" role="status" safe>
          {notice}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p class="field-error" role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      {guardian ? (
        <>
          <GuardianDetails i18n={i18n} guardian={guardian} />
          <Status i18n={i18n} guardian={guardian} />
          {link ? <LinkTools {...props} guardian={guardian} link={link} /> : ''}
        </>
      ) : (
        <p class="field-error" safe>
          {t('privacy.minors.section.noGuardian')}
        </p>
      )}
    </div>
  );
}

/** A document number as the panel shows it: its last three characters only (the guardian page asks for the whole of it). */
export function maskDocument(number: string): string {
  return number.length <= 3 ? '•••' : `•••${number.slice(-3)}`;
}
