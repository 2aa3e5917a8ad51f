/**
 * @module server/privacy/guardian-notice — the privacy notice a guardian reads before authorising (Decree 1377 Arts.
 * 13–15), with the version and text hash her consent rows point to (Law 1581 Art. 9: proof of what was authorised).
 *
 * TODO(merge with server/privacy/notices): return `currentNotice(db, locale)` once the versioned notices land; until
 * then this is the built-in short notice of views/form/privacy as version 0, hashed as shown.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../../actors/vocabulary';
import { NOTICES } from '../../views/form/privacy';
import type { Db } from '../db/client';

/** What the page shows and the ledger records: plain text, paragraphs separated by blank lines, `# ` starts a heading. */
export interface GuardianNotice {
  version: number;
  locale: Locale;
  title: string;
  body: string;
  /** Hex SHA-256 of `body` (UTF-8). */
  sha256: string;
}

/** The notice in force in `locale`, `{agencyName}` filled. */
export async function guardianNotice(db: Db, locale: Locale, agencyName: string, whatsappNumber?: string): Promise<GuardianNotice> {
  void db;
  const n = NOTICES[locale];
  const parts = [n.intro(agencyName), ...n.sections.flatMap((s) => [`# ${s.heading}`, ...s.body]), n.contact(whatsappNumber)];
  const body = parts.join('\n\n');
  return { version: 0, locale, title: n.title, body, sha256: createHash('sha256').update(body, 'utf8').digest('hex') };
}
