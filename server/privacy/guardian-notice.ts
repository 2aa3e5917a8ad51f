/**
 * @module server/privacy/guardian-notice — the privacy notice a guardian reads before authorising (Decree 1377 Arts.
 * 13–15): the version in force (server/privacy/notices), so her consent rows point to the same version and text hash
 * as an aspirant's (Law 1581 Art. 9: proof of what was authorised) and `/privacy?version=N` shows what she read.
 */
import type { Locale } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { currentNotice, renderNoticeBody } from './notices';

/** What the page shows and the ledger records: plain text, paragraphs separated by blank lines, `# ` starts a heading. */
export interface GuardianNotice {
  version: number;
  locale: Locale;
  title: string;
  /** The text as shown, `{agencyName}` filled. */
  body: string;
  /** Hex SHA-256 of the version's stored text (UTF-8), as every consent row on it records. */
  sha256: string;
}

/** The notice in force in `locale` (Spanish when that version has no text in it), `{agencyName}` filled. */
export async function guardianNotice(db: Db, locale: Locale, agencyName: string): Promise<GuardianNotice> {
  const notice = await currentNotice(db, locale);
  return { version: notice.version, locale: notice.locale, title: renderNoticeBody(notice.title, agencyName), body: renderNoticeBody(notice.body, agencyName), sha256: notice.sha256 };
}
