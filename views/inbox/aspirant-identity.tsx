/**
 * @module views/inbox/aspirant-identity — her WhatsApp identity in the aspirant panel: the phone (a call link), the
 * username and the business-scoped user id (BSUID), those she has. A WhatsApp user with a username may hide her number:
 * the panel then says the number is hidden, and replies go to her BSUID.
 */
import type { Translator } from '../i18n';
import { atUsername } from './contact';
import type { AspirantPanelView } from './types';

/** The header's line under her name: her number as a call link, else what stands for it (`contact`). */
export function ContactLine({ view }: { view: AspirantPanelView }) {
  if (view.phone) {
    return (
      <p>
        <a href={`tel:${view.phone}`} safe>
          {view.phone}
        </a>
      </p>
    );
  }
  return (
    <p class="contact" safe>
      {view.contact}
    </p>
  );
}

/** The card listing her phone, username and BSUID (each only when present; a missing phone is said to be hidden). */
export function IdentityFacts({ view, i18n }: { view: AspirantPanelView; i18n: Translator }) {
  const { t } = i18n;
  return (
    <section class="card">
      <h3 safe>{t('inbox.panel.whatsapp')}</h3>
      <dl class="identity-facts">
        <dt safe>{t('inbox.panel.phone')}</dt>
        {view.phone ? (
          <dd>
            <a href={`tel:${view.phone}`} safe>
              {view.phone}
            </a>
          </dd>
        ) : (
          <dd class="muted" safe>
            {t('inbox.panel.phoneHidden')}
          </dd>
        )}
        {view.username ? (
          <>
            <dt safe>{t('inbox.panel.username')}</dt>
            <dd safe>{atUsername(view.username)}</dd>
          </>
        ) : (
          ''
        )}
        {view.bsuid ? (
          <>
            <dt safe>{t('inbox.panel.bsuid')}</dt>
            <dd>
              <code safe>{view.bsuid}</code>
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
    </section>
  );
}
