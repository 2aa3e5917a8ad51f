/** @module views/auth/login — the sign-in form (Spanish first, English in parentheses). */
import { Layout } from '../layout';

export interface LoginPageProps {
  /** Where to go after signing in; already checked to be a local path. */
  next?: string;
  email?: string;
  error?: string;
}

export function LoginPage({ next, email, error }: LoginPageProps) {
  return (
    <Layout title="Wasap — Iniciar sesión (Sign in)">
      <link rel="stylesheet" href="/assets/auth.css" />
      <main class="auth-card">
        <h1>Iniciar sesión</h1>
        <p class="auth-sub">Sign in</p>
        {error ? (
          <p class="auth-error" role="alert" safe>
            {error}
          </p>
        ) : (
          ''
        )}
        <form method="post" action="/login" class="auth-form">
          {next ? <input type="hidden" name="next" value={next} /> : ''}
          <label for="email">
            Correo <span class="en">(Email)</span>
          </label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value={email ?? ''} autofocus />
          <label for="password">
            Contraseña <span class="en">(Password)</span>
          </label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024" />
          <button type="submit">Entrar (Sign in)</button>
        </form>
        <p class="auth-hint">¿Olvidaste la contraseña? Pide a un administrador que la cambie. (Forgot it? Ask an admin to reset it.)</p>
      </main>
    </Layout>
  );
}
