/** @module views/inbox/format — labels, dates and URLs shared by the inbox views, in the reader's language and zone (no HTML here). */
import { KIND_PREVIEWS, MEDIA_PREVIEWS } from '../../actors/conversation/rules';
import type { Shift } from '../../actors/vocabulary';
import type { Translator } from '../i18n';
import type { ConversationStatus, InboxFilters } from './types';

/** The statuses in the order the chips and the selector show them; each one's words are the catalogue's `inbox.statuses`. */
export const STATUSES: ConversationStatus[] = ['new', 'open', 'needs_attention', 'pending_form', 'pending_photo', 'closed', 'archived'];

/** A status in the reader's language. */
export function statusLabel(status: ConversationStatus, i18n: Translator): string {
  return i18n.messages.inbox.statuses[status];
}

/** A shift's label in the reader's language; a word that is not a shift is shown as it is. */
export function shiftLabel(shift: string, i18n: Translator): string {
  const labels: Record<Shift, string> = i18n.messages.inbox.shifts;
  return Object.hasOwn(labels, shift) ? labels[shift as Shift] : shift;
}

const DAY_MS = 86_400_000;

/** Calendar days between `date` and `now` in the reader's zone (0 = same day, 1 = yesterday). */
function dayDiff(date: Date, now: Date, i18n: Translator): number {
  return Math.round((Date.parse(i18n.day(now)) - Date.parse(i18n.day(date))) / DAY_MS);
}

/** "14:05" in the reader's zone. */
export function clockTime(date: Date, i18n: Translator): string {
  return i18n.format(date, 'time');
}

/** WhatsApp-style list time in the reader's zone: "14:05", "Ayer", "lun", "12 mar", "12 mar 2023". */
export function listTime(date: Date, now: Date, i18n: Translator): string {
  const days = dayDiff(date, now, i18n);
  if (days <= 0) return clockTime(date, i18n);
  if (days === 1) return i18n.t('inbox.time.yesterday');
  if (days < 7) return i18n.format(date, 'weekday');
  return i18n.day(date).slice(0, 4) === i18n.day(now).slice(0, 4) ? i18n.format(date, 'dayMonth') : i18n.format(date, 'date');
}

/** Chat day separator: "Hoy", "Ayer", "lunes, 11 de marzo" (with the year when it is not this one). */
export function dayLabel(date: Date, now: Date, i18n: Translator): string {
  const days = dayDiff(date, now, i18n);
  if (days === 0) return i18n.t('inbox.time.today');
  if (days === 1) return i18n.t('inbox.time.yesterday');
  return i18n.day(date).slice(0, 4) === i18n.day(now).slice(0, 4) ? i18n.format(date, 'longDay') : i18n.format(date, 'date');
}

/** A stable key for a calendar day in the reader's zone (YYYY-MM-DD), used in element ids. */
export function dayKey(date: Date, i18n: Translator): string {
  return i18n.day(date);
}

/** A span of time, rounded down: "5 h 12 min", "12 min", "menos de un minuto", "2 días" (from 48 h). */
export function duration(ms: number, i18n: Translator): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return i18n.t('inbox.time.lessThanMinute');
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return i18n.t('inbox.time.days', { count: Math.floor(hours / 24) });
  return hours > 0 ? i18n.t('inbox.time.hoursMinutes', { hours, minutes: minutes % 60 }) : i18n.t('inbox.time.minutes', { minutes });
}

/** How close to its end WhatsApp's 24-hour window is when the list and the chat warn (ms): 2 hours. */
export const WINDOW_WARNING_MS = 2 * 3_600_000;

/** Time left until `until`: see duration. */
export function timeLeft(until: Date, now: Date, i18n: Translator): string {
  return duration(until.getTime() - now.getTime(), i18n);
}

/**
 * A list row's (and an alert's) preview in the reader's language: a stored preview of a message without text
 * ("📷 Photo", "🎤 Voice note": MEDIA_PREVIEWS, KIND_PREVIEWS) names its kind in her words; any other text is hers.
 */
export function previewText(preview: string, i18n: Translator): string {
  for (const [kind, stored] of Object.entries(MEDIA_PREVIEWS) as [keyof typeof MEDIA_PREVIEWS, string][]) {
    if (preview === stored) return `${markOf(stored)} ${i18n.messages.inbox.media[kind]}`;
  }
  for (const [kind, stored] of Object.entries(KIND_PREVIEWS) as [keyof typeof KIND_PREVIEWS, string][]) {
    if (preview === stored) return `${markOf(stored)} ${i18n.messages.inbox.kinds[kind]}`;
  }
  return preview;
}

/** A stored preview's mark: the text before its first space (an emoji, which may be several code points). */
function markOf(stored: string): string {
  return stored.slice(0, stored.indexOf(' '));
}

/** A file's size in the reader's language: "830 B", "12 KB", "1,4 MB" (units of 1,024). */
export function fileSize(bytes: number, i18n: Translator): string {
  if (bytes < 1024) return i18n.t('inbox.kinds.bytes', { size: i18n.number(bytes) });
  if (bytes < 1024 * 1024) return i18n.t('inbox.kinds.kilobytes', { size: i18n.number(Math.round(bytes / 1024)) });
  return i18n.t('inbox.kinds.megabytes', { size: i18n.number(Math.round((bytes / 1024 / 1024) * 10) / 10) });
}

export function initials(name: string): string {
  const letters = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase());
  return letters.join('') || '#';
}

/** Avatar colours: this many hues, 15° apart, each a class in app.css (a style attribute would need 'unsafe-inline' in the CSP). */
export const AVATAR_TONES = 24;

/** A calm, stable avatar colour per conversation: the class of one of AVATAR_TONES hues, picked from the id. */
export function avatarTone(id: number): string {
  return `tone-${Math.floor(((id * 47) % 360) / (360 / AVATAR_TONES))}`;
}

/** Query string that keeps the list's filters (and an optional list cursor) across links. */
export function filterQuery(filters: InboxFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  params.set('scope', filters.scope);
  if (filters.status) params.set('status', filters.status);
  if (filters.q) params.set('q', filters.q);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function conversationHref(id: number, filters: InboxFilters): string {
  return `/inbox/${id}${filterQuery(filters)}`;
}
