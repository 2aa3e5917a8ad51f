/** @module views/inbox/format — labels, dates and URLs shared by the inbox views (no HTML here). */
import type { Shift } from '../../actors/vocabulary';
import type { ConversationStatus, InboxFilters, Scope } from './types';

/** Every status has a label (a new status does not compile until it has one), in the order the chips and the selector show them. */
export const STATUS_LABELS: Record<ConversationStatus, string> = {
  new: 'New',
  open: 'Open',
  needs_attention: 'Needs attention',
  pending_form: 'Pending form',
  pending_photo: 'Pending photo',
  closed: 'Closed',
  archived: 'Archived',
};

export const STATUSES = Object.keys(STATUS_LABELS) as ConversationStatus[];

export const SCOPE_LABELS: Record<Scope, string> = { mine: 'Mine', unassigned: 'Unassigned', all: 'All' };

const SHIFT_LABELS: Record<Shift, string> = {
  morning: 'Morning',
  afternoon: 'Afternoon',
  evening: 'Evening',
  flexible: 'Flexible',
  any: 'Any time',
};

/** A shift's label; a word that is not a shift is shown as it is. */
export function shiftLabel(shift: string): string {
  return Object.hasOwn(SHIFT_LABELS, shift) ? SHIFT_LABELS[shift as Shift] : shift;
}

// The process time zone (TZ) decides the wall clock shown; en-GB gives 24-hour times and "12 Mar".
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short' });
const dayMonthFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const longDayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

const DAY_MS = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Days between the calendar days of `date` and `now` (0 = same day, 1 = yesterday). */
function dayDiff(date: Date, now: Date): number {
  return Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
}

export function clockTime(date: Date): string {
  return timeFormat.format(date);
}

export function dateTime(date: Date): string {
  return dateTimeFormat.format(date);
}

/** WhatsApp-style list time: "14:05", "Yesterday", "Mon", "12 Mar", "12 Mar 2023". */
export function listTime(date: Date, now: Date): string {
  const days = dayDiff(date, now);
  if (days <= 0) return clockTime(date);
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekdayFormat.format(date);
  return date.getFullYear() === now.getFullYear() ? dayMonthFormat.format(date) : fullDateFormat.format(date);
}

/** Chat day separator: "Today", "Yesterday", "Monday 11 March". */
export function dayLabel(date: Date, now: Date): string {
  const days = dayDiff(date, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return date.getFullYear() === now.getFullYear() ? longDayFormat.format(date) : fullDateFormat.format(date);
}

/** A stable key for a calendar day, used in element ids. */
export function dayKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "5 h 12 min" / "12 min" / "less than a minute". */
export function timeLeft(until: Date, now: Date): string {
  const minutes = Math.floor((until.getTime() - now.getTime()) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
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
