/** @module views/admin/nav — the admin pages' header: links and the sign-out form, in the admin's language. */
import type { Translator } from '../i18n';

export interface AdminNavProps {
  i18n: Translator;
  current: 'users' | 'audit' | 'canned';
  email: string;
  csrf: string;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function AdminNav({ i18n, current, email, csrf }: AdminNavProps) {
  const { t } = i18n;
  const link = (page: AdminNavProps['current'], label: string) => (
    <a href={`/admin/${page}`} aria-current={current === page ? 'page' : undefined} safe>
      {label}
    </a>
  );
  return (
    <header class="admin-nav">
      <nav aria-label={t('admin.nav.label')}>
        <a href="/inbox" safe>
          {t('admin.nav.inbox')}
        </a>
        {link('users', t('admin.nav.users'))}
        {link('canned', t('admin.nav.canned'))}
        {link('audit', t('admin.nav.audit'))}
      </nav>
      <form method="post" action="/logout" class="admin-signout">
        <CsrfField token={csrf} />
        <span class="admin-me" safe>
          {email}
        </span>
        <button type="submit" safe>
          {t('admin.nav.signOut')}
        </button>
      </form>
    </header>
  );
}
