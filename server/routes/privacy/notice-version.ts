/**
 * @module server/routes/privacy/notice-version — the answer to the public `/privacy?version=N` (server/routes/form):
 * that version of the privacy notice in the reader's language (Spanish when it has none), or a 404 page. Public by
 * design: the notice is what every aspirant is shown (Decree 1377 Art. 13), and an old one is the proof of what she
 * accepted (Law 1581 Art. 9).
 */
import type { Locale } from '../../../actors/vocabulary';
import { NoticeVersionNotFoundPage, NoticeVersionPage } from '../../../views/privacy/notice-public';
import type { Db } from '../../db/client';
import { page } from '../../forms/http';
import { noticeAt, renderNoticeBody } from '../../privacy/notices';

/** Whole numbers from 1 to 2^31−1, written plainly (no sign, exponent or leading zero). */
function versionOf(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n <= 2_147_483_647 ? n : undefined;
}

/** The page for `?version=<text>`; 404 for anything that is not a published version. */
export async function noticeVersionResponse(db: Db, text: string, locale: Locale, agencyName: string): Promise<Response> {
  const version = versionOf(text);
  const notice = version === undefined ? undefined : await noticeAt(db, version, locale);
  if (!notice) return page(NoticeVersionNotFoundPage({ locale, agencyName }), 404);
  const body = renderNoticeBody(notice.body, agencyName);
  return page(NoticeVersionPage({ locale: notice.locale, agencyName, version: notice.version, title: renderNoticeBody(notice.title, agencyName), body, publishedAt: notice.publishedAt }));
}
