/**
 * @module views/privacy/panel-sections — the aspirant panel's personal-data card (Law 1581): one placeholder per part,
 * each loaded by htmx from its own route (`/privacy/conversations/<id>/<part>`, server/routes/privacy/*), so every part
 * renders and authorises its own section. A part that has nothing to show for this reader answers an empty body.
 */
import type { Translator } from '../i18n';

/** The parts in the order they are shown: consents, guardian, requests, export/erase, who read her data. */
export const PANEL_PARTS = ['consent', 'minors', 'requests', 'erasure', 'reads'] as const;
export type PanelPart = (typeof PANEL_PARTS)[number];

/** Stable id of a part's section: `privacy-<part>-<conversationId>` (a part's fragment replaces it, or is pushed over it). */
export function panelPartId(part: PanelPart, conversationId: number): string {
  return `privacy-${part}-${conversationId}`;
}

/** The card, with one lazily loaded section per part (loaded again whenever the panel is re-rendered or pushed). */
export function PrivacySections({ conversationId, i18n }: { conversationId: number; i18n: Translator }) {
  const { t } = i18n;
  return (
    <section class="card privacy" aria-label={t('privacy.common.panel.label')}>
      <h3 safe>{t('privacy.common.panel.label')}</h3>
      {PANEL_PARTS.map((part) => (
        <div id={panelPartId(part, conversationId)} hx-get={`/privacy/conversations/${conversationId}/${part}`} hx-trigger="load" hx-swap="outerHTML"></div>
      ))}
    </section>
  );
}
