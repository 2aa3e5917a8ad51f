/**
 * @module views/privacy/consent-sensitive — her sensitive answers in the aspirant panel (whether she has children, her
 * measurements; Law 1581 Arts. 5–6: sensitive data, optional, seen only by those who need them). Loaded per reader
 * from `/privacy/conversations/<id>/sensitive`, never part of a pushed fragment; empty for a reader without access.
 */
import type { Translator } from '../i18n';

/** Stable id of the placeholder the panel renders and this fragment replaces. */
export function sensitiveId(conversationId: number): string {
  return `sensitive-${conversationId}`;
}

export interface SensitiveAnswers {
  hasKids?: boolean;
  measurements?: { heightCm?: number; bustCm?: number; waistCm?: number; hipsCm?: number };
}

/** The panel's placeholder: the same markup for every reader (a push carries no sensitive data), filled per reader. */
export function SensitivePlaceholder({ conversationId }: { conversationId: number }) {
  return <div id={sensitiveId(conversationId)} hx-get={`/privacy/conversations/${conversationId}/sensitive`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

const MEASURES = [
  ['heightCm', 'height'],
  ['bustCm', 'bust'],
  ['waistCm', 'waist'],
  ['hipsCm', 'hips'],
] as const;

/** The answers, for a reader who may see them. */
export function SensitiveSection({ conversationId, answers, i18n }: { conversationId: number; answers: SensitiveAnswers; i18n: Translator }) {
  const { t } = i18n;
  const kids = answers.hasKids === undefined ? t('privacy.consent.sensitive.notGiven') : t(answers.hasKids ? 'privacy.consent.sensitive.yes' : 'privacy.consent.sensitive.no');
  const m = answers.measurements ?? {};
  return (
    <section id={sensitiveId(conversationId)} class="sensitive-answers" aria-label={t('privacy.consent.sensitive.title')}>
      <h4 safe>{t('privacy.consent.sensitive.title')}</h4>
      <dl>
        <dt safe>{t('privacy.consent.sensitive.hasKids')}</dt>
        <dd safe>{kids}</dd>
        {MEASURES.map(([field, label]) => (
          <>
            <dt safe>{t(`privacy.consent.sensitive.${label}`)}</dt>
            <dd safe>{m[field] === undefined ? t('privacy.consent.sensitive.notGiven') : t('privacy.consent.sensitive.cm', { value: m[field] })}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}
