/**
 * @module server/routes/privacy/notice-admin — admins only: `GET /admin/privacy/notice` lists the privacy notice's
 * versions and offers the next one prefilled with the text in force; `POST` publishes version N+1 (Decree 1377 Arts.
 * 13–15: the notice is versioned, old versions stay as proof). CSRF by authPlugin; the audit entry names the version,
 * its languages and hashes, never any aspirant.
 */
import { Elysia, t } from 'elysia';
import type { Locale } from '../../../actors/vocabulary';
import { translator, type Translator } from '../../../views/i18n';
import { NoticeAdminPage, type NoticeDraft } from '../../../views/privacy/notice-admin';
import { authPlugin } from '../../auth/plugin';
import type { SessionRow } from '../../auth/sessions';
import { recordAudit } from '../../db/queries/audit';
import type { PublicUser } from '../../db/queries/users';
import { BODY_MAX, currentVersion, NoticeInputError, noticeHistory, publishNotice, TITLE_MAX, type Notice } from '../../privacy/notices';
import { plainText } from '../../privacy/requests-text';
import { htmlResponse } from '../html';
import type { PrivacyRouteDeps } from './deps';

/** The form's fields; the browser's limits are checked again in publishNotice (characters, not UTF-16 units). */
const noticeBody = t.Object({
  esTitle: t.String({ maxLength: TITLE_MAX * 2 }),
  esBody: t.String({ maxLength: BODY_MAX * 2 }),
  enTitle: t.Optional(t.String({ maxLength: TITLE_MAX * 2 })),
  enBody: t.Optional(t.String({ maxLength: BODY_MAX * 2 })),
});

/** The texts of version `version` in both languages (English empty when that version has none). */
function draftOf(history: Notice[], version: number): NoticeDraft {
  const text = (locale: Locale) => {
    const found = history.find((n) => n.version === version && n.locale === locale);
    return { title: found?.title ?? '', body: found?.body ?? '' };
  };
  return { es: text('es'), en: text('en') };
}

/** A refusal in the admin's words, about the field at fault. */
function refusal(error: NoticeInputError, { t: say }: Translator) {
  const [lang, part] = error.field.split('.') as [Locale, 'title' | 'body'];
  const language = say(`privacy.consent.notice.languages.${lang === 'en' ? 'en' : 'es'}`);
  const message = say(part === 'title' ? 'privacy.consent.notice.errors.title' : 'privacy.consent.notice.errors.body', { language, max: part === 'title' ? TITLE_MAX : BODY_MAX });
  return { field: error.field, message };
}

export function privacyNoticeAdminRoutes(deps: PrivacyRouteDeps) {
  const { db } = deps;

  async function noticePage(user: PublicUser, session: SessionRow, extra: { draft?: NoticeDraft; error?: { field: string; message: string }; done?: string } = {}, status = 200) {
    const [history, current] = await Promise.all([noticeHistory(db), currentVersion(db)]);
    const i18n = translator(user.locale, user.timeZone);
    const draft = extra.draft ?? draftOf(history, current);
    const page = NoticeAdminPage({ i18n, email: user.email, csrf: session.csrfToken, history, current, draft, error: extra.error, done: extra.done, limits: { title: TITLE_MAX, body: BODY_MAX } });
    return htmlResponse(page, status);
  }

  return new Elysia({ name: 'privacy-notice-admin', prefix: '/admin/privacy' }).use(authPlugin({ db, secureCookies: deps.secureCookies })).guard({ requireAdmin: true }, (admin) =>
    admin
      .get(
        '/notice',
        function noticeAdmin({ user, session, query }) {
          const published = query.published && /^\d{1,10}$/.test(query.published) ? Number(query.published) : undefined;
          const done = published ? translator(user.locale).t('privacy.consent.notice.done', { version: published }) : undefined;
          return noticePage(user, session, { done });
        },
        { query: t.Object({ published: t.Optional(t.String({ maxLength: 12 })) }) },
      )
      .post(
        '/notice',
        async function publish({ user, session, body }) {
          const draft = { es: { title: plainText(body.esTitle), body: plainText(body.esBody) }, en: { title: plainText(body.enTitle ?? ''), body: plainText(body.enBody ?? '') } };
          let notice: Notice;
          try {
            notice = await publishNotice(db, { es: draft.es, en: draft.en, author: user.email });
          } catch (error) {
            if (!(error instanceof NoticeInputError)) throw error;
            return noticePage(user, session, { draft, error: refusal(error, translator(user.locale)) }, 400);
          }
          const locales = draft.en.title.trim() || draft.en.body.trim() ? ['es', 'en'] : ['es'];
          await recordAudit(db, {
            actor: user.email,
            actorUserId: user.id,
            action: 'privacy.notice_published',
            targetType: 'privacy_notice',
            targetId: notice.version,
            details: { version: notice.version, locales, sha256: notice.sha256 },
          });
          return new Response(null, { status: 303, headers: { location: `/admin/privacy/notice?published=${notice.version}` } });
        },
        { body: noticeBody },
      ),
  );
}
