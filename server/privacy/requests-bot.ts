/**
 * @module server/privacy/requests-bot — the legal terms the bot gives a request her WhatsApp message opens (Law 1581
 * Arts. 14–15): ./deadlines `termsFor` in the shape actors/conversation/bot-step's `requestTerms` takes (epoch ms in,
 * Bogotá days out), for the live conversation system and for replays alike, so both say the same {dueDate}.
 */
import type { DataSubjectRight } from '../../actors/vocabulary';
import { termsFor } from './deadlines';

export function botRequestTerms(right: DataSubjectRight, receivedAt: number): { category: 'query' | 'claim'; dueOn: string; tagDueOn?: string } {
  const terms = termsFor(right, new Date(receivedAt));
  return { category: terms.category, dueOn: terms.dueOn, ...(terms.tagDueOn ? { tagDueOn: terms.tagDueOn } : {}) };
}
