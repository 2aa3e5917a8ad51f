/**
 * @module server/privacy/deadlines — the legal terms of a data-subject request, in Colombian business days.
 *
 * Law 1581 of 2012:
 * - Art. 14 (consultas — `access`, `proof`): answered within 10 business days from receipt, extendable once by up to 5
 *   business days after the first term ends (the requester is told why and the new date).
 * - Art. 15 (reclamos — `rectification`, `revocation`, `erasure`): answered within 15 business days from the day after
 *   receipt, extendable by up to 8 business days after the first term ends; within 2 business days of receiving a
 *   complete claim the database shows the legend "reclamo en trámite" and its reason.
 *
 * A business day ("día hábil") is Monday to Friday, not a national holiday; holidays come from `colombian-holidays`
 * (Law 51 of 1983's Monday moves and the Easter-based days, 1583–4099). Days are calendar days in Bogotá
 * (America/Bogota, UTC−5 all year). Counting starts on the first business day after the day of receipt, so a request
 * received on a Saturday counts from Monday, as one received on a Friday does.
 */
import { getHolidaysForYear } from 'colombian-holidays';
import type { DataSubjectRight } from '../../actors/vocabulary';

/** `query` (consulta, Art. 14) or `claim` (reclamo, Art. 15). */
export type RequestCategory = 'query' | 'claim';

/** Business days per category: the first term, the most an extension adds, and (claims) the "reclamo en trámite" tag. */
export const TERMS: Record<RequestCategory, { answer: number; extension: number; tag?: number }> = {
  query: { answer: 10, extension: 5 },
  claim: { answer: 15, extension: 8, tag: 2 },
};

/** The category of a right: knowing her data and proof of authorisation are queries; the rest are claims. */
export function categoryOf(right: DataSubjectRight): RequestCategory {
  return right === 'access' || right === 'proof' ? 'query' : 'claim';
}

const BOGOTA_OFFSET_MS = 5 * 3600 * 1000;
const DAY_MS = 86_400_000;
const holidayCache = new Map<number, Set<string>>();

function holidaysOf(year: number): Set<string> {
  let days = holidayCache.get(year);
  if (!days) {
    days = new Set(getHolidaysForYear(year).map((holiday) => holiday.celebrationDate));
    holidayCache.set(year, days);
  }
  return days;
}

/** The Bogotá calendar day of an instant, `YYYY-MM-DD`. */
export function bogotaDay(at: Date): string {
  return new Date(at.getTime() - BOGOTA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `day` (`YYYY-MM-DD`) is a Colombian business day: Monday–Friday and not a national holiday. */
export function isBusinessDay(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidaysOf(Number(day.slice(0, 4))).has(day);
}

/**
 * The day `count` business days after `day` (both `YYYY-MM-DD`; `day` itself is not counted).
 * @throws RangeError when `day` is not a date or `count` is negative or not whole.
 */
export function addBusinessDays(day: string, count: number): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new RangeError(`not a day: ${day}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`not a count of days: ${count}`);
  let time = Date.parse(`${day}T00:00:00Z`);
  let left = count;
  while (left > 0) {
    time += DAY_MS;
    if (isBusinessDay(new Date(time).toISOString().slice(0, 10))) left -= 1;
  }
  return new Date(time).toISOString().slice(0, 10);
}

/** Business days from `from` (exclusive) to `to` (inclusive); negative when `to` is before `from`. Both `YYYY-MM-DD`. */
export function businessDaysBetween(from: string, to: string): number {
  if (to === from) return 0;
  const sign = to > from ? 1 : -1;
  const [start, end] = sign > 0 ? [from, to] : [to, from];
  let count = 0;
  for (let time = Date.parse(`${start}T00:00:00Z`) + DAY_MS; time <= Date.parse(`${end}T00:00:00Z`); time += DAY_MS) {
    if (isBusinessDay(new Date(time).toISOString().slice(0, 10))) count += 1;
  }
  return sign * count;
}

export interface RequestTerms {
  category: RequestCategory;
  /** The last day to answer (Bogotá, `YYYY-MM-DD`). */
  dueOn: string;
  /** The last day to answer if the term is extended. */
  extendedDueOn: string;
  /** Claims: the last day to tag "reclamo en trámite"; null for queries. */
  tagDueOn: string | null;
}

/** The terms of a request for `right` received at `receivedAt`. */
export function termsFor(right: DataSubjectRight, receivedAt: Date): RequestTerms {
  const category = categoryOf(right);
  const term = TERMS[category];
  const received = bogotaDay(receivedAt);
  const dueOn = addBusinessDays(received, term.answer);
  return {
    category,
    dueOn,
    extendedDueOn: addBusinessDays(dueOn, term.extension),
    tagDueOn: term.tag === undefined ? null : addBusinessDays(received, term.tag),
  };
}

/** Whether a request due on `dueOn` (its extended day when extended) is overdue at `now`: its day has passed in Bogotá. */
export function isOverdue(dueOn: string, now: Date): boolean {
  return bogotaDay(now) > dueOn;
}
