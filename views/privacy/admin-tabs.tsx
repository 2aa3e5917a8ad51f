/** @module views/privacy/admin-tabs — the tabs of the admin's personal-data area (/admin/privacy/<tab>), under the admin header. */
import type { Translator } from '../i18n';

export const PRIVACY_TABS = ['requests', 'notice', 'retention', 'reads'] as const;
export type PrivacyTab = (typeof PRIVACY_TABS)[number];

/** The tab strip; `current` is marked `aria-current="page"`. */
export function PrivacyTabs({ i18n, current }: { i18n: Translator; current: PrivacyTab }) {
  const { t } = i18n;
  return (
    <nav class="privacy-tabs" aria-label={t('privacy.common.tabs.label')}>
      {PRIVACY_TABS.map((tab) => (
        <a href={`/admin/privacy/${tab}`} aria-current={current === tab ? 'page' : undefined} safe>
          {t(`privacy.common.tabs.${tab}`)}
        </a>
      ))}
    </nav>
  );
}
