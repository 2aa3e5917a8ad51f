/**
 * @module server/privacy/notices — the privacy notice's versions ("aviso de privacidad", Decree 1377 Arts. 13–15):
 * which one is in force, an old one by number (the proof of what she was shown, Law 1581 Art. 9), and publishing a new
 * one. Rows are immutable; the highest version is in force; Spanish is required, English optional (falls back to Spanish).
 */
import { createHash } from 'node:crypto';
import { desc, eq, max } from 'drizzle-orm';
import type { Locale } from '../../actors/vocabulary';
import type { Db } from '../db/client';
import { privacyNotices } from '../db/schema';
import { AppError } from '../errors';
import { BUILTIN_NOTICE, BUILTIN_NOTICE_VERSION } from './builtin-notice';

export interface Notice {
  version: number;
  /** The language of this text (Spanish when the version has no text in the language asked). */
  locale: Locale;
  title: string;
  /** Plain text, paragraphs separated by blank lines, `# ` starts a heading; `{agencyName}` is filled when shown. */
  body: string;
  /** Hex SHA-256 of `body` (UTF-8), as stored: what a consent row points to. */
  sha256: string;
  /** When it was published; null for the built-in version 1. */
  publishedAt: Date | null;
  /** Who published it (an admin's e-mail, `cli`); `builtin` for version 1. */
  author: string;
}

export const TITLE_MAX = 200;
export const BODY_MAX = 50_000;

/** A notice that cannot be published, with the field at fault (`es.title`, `en.body`…). */
export class NoticeInputError extends AppError {
  override readonly code = 'NOTICE_INVALID' as const;
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('NOTICE_INVALID', 400, message);
  }
}

/** Hex SHA-256 of the text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function builtin(locale: Locale): Notice {
  const { title, body } = BUILTIN_NOTICE[locale];
  return { version: BUILTIN_NOTICE_VERSION, locale, title, body, sha256: sha256Hex(body), publishedAt: null, author: 'builtin' };
}

function fromRow(row: typeof privacyNotices.$inferSelect): Notice {
  return { version: row.version, locale: row.locale === 'en' ? 'en' : 'es', title: row.title, body: row.body, sha256: row.sha256, publishedAt: row.createdAt, author: row.author };
}

/** The number of the version in force: the highest published, else the built-in 1. */
export async function currentVersion(db: Db): Promise<number> {
  const [row] = await db.select({ v: max(privacyNotices.version) }).from(privacyNotices);
  return row?.v ?? BUILTIN_NOTICE_VERSION;
}

/**
 * Version `version` in `locale` (Spanish when it has no text in that language), or undefined when no such version
 * exists. Version 1 is the built-in text unless a row says otherwise.
 */
export async function noticeAt(db: Db, version: number, locale: Locale): Promise<Notice | undefined> {
  const rows = await db.select().from(privacyNotices).where(eq(privacyNotices.version, version));
  const row = rows.find((r) => r.locale === locale) ?? rows.find((r) => r.locale === 'es');
  if (row) return fromRow(row);
  return version === BUILTIN_NOTICE_VERSION ? builtin(locale) : undefined;
}

/** The notice in force in `locale` (falling back to Spanish); the built-in version 1 while none was published. */
export async function currentNotice(db: Db, locale: Locale): Promise<Notice> {
  return (await noticeAt(db, await currentVersion(db), locale)) ?? builtin(locale);
}

/** Every published version (newest first, both languages) and the built-in version 1 last: the admin page's history. */
export async function noticeHistory(db: Db): Promise<Notice[]> {
  const rows = await db.select().from(privacyNotices).orderBy(desc(privacyNotices.version), privacyNotices.locale);
  const published = rows.map(fromRow);
  return published.some((n) => n.version === BUILTIN_NOTICE_VERSION) ? published : [...published, builtin('es'), builtin('en')];
}

export interface NoticeText {
  title: string;
  body: string;
}

/** Line endings folded to \n and the ends trimmed, so the hash does not depend on the browser that sent it. */
function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

function checked(text: NoticeText, lang: Locale): NoticeText {
  const title = clean(text.title).replace(/\s+/g, ' ');
  const body = clean(text.body);
  if (!title) throw new NoticeInputError(`The ${lang} title is empty.`, `${lang}.title`);
  if ([...title].length > TITLE_MAX) throw new NoticeInputError(`The ${lang} title is longer than ${TITLE_MAX} characters.`, `${lang}.title`);
  if (!body) throw new NoticeInputError(`The ${lang} text is empty.`, `${lang}.body`);
  if ([...body].length > BODY_MAX) throw new NoticeInputError(`The ${lang} text is longer than ${BODY_MAX} characters.`, `${lang}.body`);
  return { title, body };
}

/**
 * Publishes version N+1 (N the version in force): Spanish required, English optional. Rows are never updated.
 * @throws NoticeInputError for an empty or over-long title or text; a concurrent publish of the same number fails on
 *   the (version, locale) unique key and nothing is written.
 */
export async function publishNotice(db: Db, input: { es: NoticeText; en?: NoticeText; author: string }): Promise<Notice> {
  const texts: [Locale, NoticeText][] = [['es', checked(input.es, 'es')]];
  if (input.en && (input.en.title.trim() || input.en.body.trim())) texts.push(['en', checked(input.en, 'en')]);
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ v: max(privacyNotices.version) }).from(privacyNotices);
    const version = (row?.v ?? BUILTIN_NOTICE_VERSION) + 1;
    const values = texts.map(([locale, t]) => ({ version, locale, title: t.title, body: t.body, sha256: sha256Hex(t.body), author: input.author }));
    const inserted = await tx.insert(privacyNotices).values(values).returning();
    return fromRow(inserted.find((r) => r.locale === 'es')!);
  });
}

/** The text as shown: `{agencyName}` filled in. */
export function renderNoticeBody(body: string, agencyName: string): string {
  return body.replaceAll('{agencyName}', agencyName);
}
