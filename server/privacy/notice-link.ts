/**
 * @module server/privacy/notice-link — the privacy notice in force as the actors need it to link a newer version from
 * her next message (actors/conversation/notice-link; Decree 1377 Art. 13): its number, its public address
 * `${PUBLIC_URL}/privacy?version=N` and the line that carries it in each language (views/i18n privacy.consent.link).
 * The number is read at most once per `ttlMs` (30 s by default): every event of every conversation asks for it, and a
 * newly published version may wait that long to be linked.
 */
import type { Locale } from '../../actors/vocabulary';
import { translator } from '../../views/i18n';
import type { Db } from '../db/client';
import { currentVersion } from './notices';

export interface NoticeInForce {
  version: number;
  url: string;
  text: Record<Locale, string>;
}

/** How long a looked-up version is used before it is read again (ms). */
export const NOTICE_CACHE_MS = 30_000;

/** The public address of version `version` (`publicUrl` without its trailing slash). */
export function noticeUrl(publicUrl: string, version: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/privacy?version=${version}`;
}

/**
 * A function answering the notice in force, cached for `ttlMs` of `now` (epoch ms). Lookups while one is running share
 * it; a failed lookup is not cached (the error goes to the caller, which retries the event).
 */
export function createNoticeInForce(db: Db, publicUrl: string, options: { ttlMs?: number; now?: () => number } = {}): () => Promise<NoticeInForce> {
  const ttlMs = options.ttlMs ?? NOTICE_CACHE_MS;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<NoticeInForce> } | undefined;
  return function noticeInForce() {
    if (cached && now() - cached.at < ttlMs) return cached.value;
    const at = now();
    const value = currentVersion(db).then((version) => {
      const url = noticeUrl(publicUrl, version);
      const line = (locale: Locale) => translator(locale).t('privacy.consent.link', { version, url });
      return { version, url, text: { es: line('es'), en: line('en') } };
    });
    const entry = { at, value };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
}
