/**
 * @module server/privacy/requests-bot — the legal terms the bot gives a request her WhatsApp message opens (Law 1581
 * Arts. 14–15): ./deadlines `termsFor` in the shape actors/conversation/bot-step's `requestTerms` takes (epoch ms in,
 * Bogotá days out), for the live conversation system and for replays alike, so both say the same {dueDate}; and the
 * answer when the right is already open (botOpenRequests).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { DataSubjectRight, Locale } from '../../actors/vocabulary';
import { aspirantDay, requestAspirantStrings } from '../../views/privacy/requests-aspirant-strings';
import type { Db } from '../db/client';
import { dataSubjectRequests } from '../db/schema';
import { termsFor } from './deadlines';
import { effectiveDueOn, OPEN_STATUSES } from './requests';

export function botRequestTerms(right: DataSubjectRight, receivedAt: number): { category: 'query' | 'claim'; dueOn: string; tagDueOn?: string } {
  const terms = termsFor(right, new Date(receivedAt));
  return { category: terms.category, dueOn: terms.dueOn, ...(terms.tagDueOn ? { tagDueOn: terms.tagDueOn } : {}) };
}

/**
 * Her requests still open, for actors/conversation/bot-step's `alreadyOpen`: by right, the answer that says it is
 * already in progress and the day it is due (the extended one once extended), in her language
 * (views/privacy/requests-aspirant-strings `already`). Undefined for a right with none open. One indexed query
 * (data_subject_requests_aspirant_idx), made before each event of hers.
 */
export async function botOpenRequests(db: Db, aspirantId: number | null): Promise<(right: DataSubjectRight, locale: Locale) => string | undefined> {
  if (aspirantId === null) return () => undefined;
  const rows = await db
    .select({ right: dataSubjectRequests.right, dueOn: dataSubjectRequests.dueOn, extendedDueOn: dataSubjectRequests.extendedDueOn })
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.aspirantId, aspirantId), inArray(dataSubjectRequests.status, [...OPEN_STATUSES])));
  const due = new Map(rows.map((row) => [row.right, effectiveDueOn(row)]));
  return (right, locale) => {
    const day = due.get(right);
    return day === undefined ? undefined : requestAspirantStrings(locale).already(aspirantDay(day, locale));
  };
}
