/** @module views/admin/nav — the admin pages' shell: the header (links, sign-out) and the page around it, in the admin's language. */
import type { Children } from '@kitajs/html';
import type { Translator } from '../i18n';
import { Layout } from '../layout';

export interface AdminNavProps {
  i18n: Translator;
  current: 'users' | 'audit' | 'canned' | 'privacy';
  email: string;
  csrf: string;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** The inbox's top bar (brand, who is signed in, sign out) with the admin pages' tabs between. */
export function AdminNav({ i18n, current, email, csrf }: AdminNavProps) {
  const { t } = i18n;
  const link = (page: AdminNavProps['current'], label: string) => (
    <a href={page === 'privacy' ? '/admin/privacy/requests' : `/admin/${page}`} aria-current={current === page ? 'page' : undefined} safe>
      {label}
    </a>
  );
  return (
    <header class="admin-top">
      <a class="brand" href="/inbox">
        <span class="brand-mark" aria-hidden="true">
          W
        </span>{' '}
        <span safe>{t('app.name')}</span>
      </a>
      <nav class="admin-nav" aria-label={t('admin.nav.label')}>
        <a href="/inbox" safe>
          {t('admin.nav.inbox')}
        </a>
        {link('users', t('admin.nav.users'))}
        {link('canned', t('admin.nav.canned'))}
        {link('audit', t('admin.nav.audit'))}
        {link('privacy', t('privacy.common.area'))}
      </nav>
      <form method="post" action="/logout" class="admin-signout">
        <CsrfField token={csrf} />
        <span class="admin-me" safe>
          {email}
        </span>
        <button type="submit" class="link-button" safe>
          {t('admin.nav.signOut')}
        </button>
      </form>
    </header>
  );
}

/** An admin page: its title (also the tab's), the header, and `children` under the heading `heading` (default the title); `mainClass` is added to the main's. */
export function AdminPage(props: AdminNavProps & { title: string; heading?: string; mainClass?: string; children?: Children }) {
  const { i18n, title } = props;
  return (
    <Layout title={`${i18n.t('app.name')} — ${title}`} lang={i18n.locale} stylesheets={['/assets/admin.css']}>
      <AdminNav i18n={i18n} current={props.current} email={props.email} csrf={props.csrf} />
      <main class={props.mainClass ? `admin-page ${props.mainClass}` : 'admin-page'}>
        <h1 safe>{props.heading ?? title}</h1>
        {props.children}
      </main>
    </Layout>
  );
}
