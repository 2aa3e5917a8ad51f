/** @module views/auth/login — the sign-in form, in the browser's language (Accept-Language: Spanish unless it asks for English). */
import type { Translator } from '../i18n';
import { Layout } from '../layout';

export interface LoginPageProps {
  i18n: Translator;
  /** Where to go after signing in; already checked to be a local path. */
  next?: string;
  email?: string;
  /** Already in the reader's language. */
  error?: string;
}

export function LoginPage({ i18n, next, email, error }: LoginPageProps) {
  const { t } = i18n;
  return (
    <Layout title={`${t('app.name')} — ${t('login.title')}`} lang={i18n.locale}>
      <link rel="stylesheet" href="/assets/auth.css" />
      <main class="auth-card">
        <h1 safe>{t('login.title')}</h1>
        {error ? (
          <p class="auth-error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/login" class="auth-form">
          {next ? <input type="hidden" name="next" value={next} /> : ''}
          <label for="email" safe>
            {t('login.email')}
          </label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value={email ?? ''} autofocus />
          <label for="password" safe>
            {t('login.password')}
          </label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024" />
          <button type="submit" safe>
            {t('login.submit')}
          </button>
        </form>
        <p class="auth-hint" safe>
          {t('login.forgot')}
        </p>
      </main>
    </Layout>
  );
}
