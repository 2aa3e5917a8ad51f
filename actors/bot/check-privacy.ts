/**
 * @module actors/bot/check-privacy — validates a script's `privacy:` section: the words with which an aspirant exercises a
 * data-subject right on WhatsApp (Law 1581 Art. 8), each entry `name: { right, keywords, answer }`, checked in the order
 * written. Only the answers of these entries may use the privacy variables ({dueDate}).
 */
import { isMap, isScalar } from 'yaml';
import { DATA_SUBJECT_RIGHTS } from '../vocabulary';
import type { Slot } from './checker';
import { checkKeywords, checkName } from './check-messages';
import type { StepsContext } from './check-steps';
import type { PrivacyEntry } from './script-types';
import { didYouMean } from './text';

/** The message names the section's entries answer with, read before messages are checked (they may use {dueDate}). */
export function privacyAnswers(slot: Slot | undefined): Set<string> {
  const names = new Set<string>();
  if (!isMap(slot?.node)) return names;
  for (const pair of slot.node.items) {
    if (!isMap(pair.value)) continue;
    const answer = pair.value.items.find((item) => isScalar(item.key) && item.key.value === 'answer');
    if (answer && isScalar(answer.value) && typeof answer.value.value === 'string') names.add(answer.value.value);
  }
  return names;
}

export function checkPrivacy(ctx: StepsContext, slot: Slot): PrivacyEntry[] {
  const entries: PrivacyEntry[] = [];
  for (const entry of ctx.checker.entries(slot) ?? []) {
    if (!checkName(ctx.checker, entry, entry.key, 'privacy entry')) continue;
    const fields = ctx.checker.fields(entry, ['right', 'keywords', 'answer'], ['right', 'keywords', 'answer']);
    const rightSlot = fields?.get('right');
    const keywordsSlot = fields?.get('keywords');
    const answerSlot = fields?.get('answer');
    const right = rightSlot?.node ? ctx.checker.oneOf(rightSlot, DATA_SUBJECT_RIGHTS, 'right') : undefined;
    const keywords = keywordsSlot?.node ? checkKeywords(ctx, keywordsSlot) : undefined;
    let answer = answerSlot?.node ? ctx.checker.string(answerSlot, 'a message name') : undefined;
    if (answer !== undefined && ctx.messages && !ctx.messages.has(answer)) {
      ctx.checker.report(answerSlot!, `unknown message '${answer}'${didYouMean(answer, ctx.messages)}`);
      answer = undefined;
    }
    if (right && keywords && answer) entries.push({ right, keywords, answer });
  }
  return entries;
}
