/**
 * @module views/privacy/erasure-section — the aspirant panel's "export or erase" part (admins only; Law 1581 Arts. 8
 * and 15): a link to her data page (/admin/privacy/aspirants/:id), where her archive is downloaded and her data erased.
 */
import type { Translator } from '../i18n';
import { panelPartId } from './panel-sections';

/** The section for conversation `conversationId` of aspirant `aspirantId`; its id replaces the panel's placeholder. */
export function ErasureSection({ conversationId, aspirantId, i18n }: { conversationId: number; aspirantId: number; i18n: Translator }) {
  const { t } = i18n;
  return (
    <div id={panelPartId('erasure', conversationId)} class="privacy-part privacy-erasure">
      <h4 safe>{t('privacy.erasure.section.title')}</h4>
      <p class="muted" safe>
        {t('privacy.erasure.section.hint')}
      </p>
      <a href={`/admin/privacy/aspirants/${aspirantId}`} safe>
        {t('privacy.erasure.section.link')}
      </a>
    </div>
  );
}
