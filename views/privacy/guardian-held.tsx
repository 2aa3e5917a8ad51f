/** @module views/privacy/guardian-held — what GET /media/:id answers (403) for a minor's photo or video before her guardian authorised (Law 1581 Art. 7). */
import type { Translator } from '../i18n';

export function MediaHeldPage({ i18n }: { i18n: Translator }) {
  const { t } = i18n;
  return (
    <>
      {'<!doctype html>'}
      <html lang={i18n.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{t('privacy.minors.mediaHeld.title')}</title>
          <link rel="stylesheet" href="/assets/app.css" />
        </head>
        <body>
          <main class="error-page">
            <h1 safe>{t('privacy.minors.mediaHeld.title')}</h1>
            <p safe>{t('privacy.minors.mediaHeld.body')}</p>
            <p>
              <a href="/inbox" safe>
                {t('privacy.minors.mediaHeld.back')}
              </a>
            </p>
          </main>
        </body>
      </html>
    </>
  );
}
