/**
 * @module actors/conversation/notice-link — "a new version is linked from the next message" (issue 17; Decree 1377
 * Art. 13 — a substantial change to the notice is told to the titular before it applies to her): when the notice in
 * force is newer than the one she last authorised and was not linked to her yet, the first free-text message this
 * decision sends her (the bot's or a recruiter's) gets one more line with the link, once per version. Pure.
 *
 * Not linked: an aspirant with no authorisation recorded (she is shown the notice in force when she gives one), an
 * opted-out one, a template (its text is Meta's, fixed), a message that the line would push past one WhatsApp message.
 */
import { fitsInOneMessage } from './body-limit';
import type { BotContext } from './bot-step';
import type { ConversationState, Effect, NoticeFacts } from './types';

type NoticeInForce = NonNullable<BotContext['notice']>;

/** The facts a state built before the notice was tracked is read as: nothing consented, nothing linked. */
export function noticeFacts(state: ConversationState): NoticeFacts {
  return state.notice ?? { consentedVersion: null, linkedVersion: null };
}

/** Whether `notice` is to be linked to her now. */
export function owesNoticeLink(state: ConversationState, notice: NoticeInForce | undefined): notice is NoticeInForce {
  if (!notice || state.optedOut) return false;
  const { consentedVersion, linkedVersion } = noticeFacts(state);
  return consentedVersion !== null && consentedVersion < notice.version && (linkedVersion ?? 0) < notice.version;
}

/**
 * The decision with the link added to its first message that can carry it, and `linkedVersion` moved to that version
 * (kept in the message's `extra.noticeVersion`, where server/conversations/state-statement reads it back on a restart);
 * the decision unchanged when nothing is owed or no message can carry it (the next one will).
 */
export function withNoticeLink<D extends { state: ConversationState; effects: Effect[] }>(decision: D, notice: NoticeInForce | undefined): D {
  if (!owesNoticeLink(decision.state, notice)) return decision;
  const line = notice.text[decision.state.facts.locale];
  const effects = decision.effects;
  for (const [i, effect] of effects.entries()) {
    if (effect.type !== 'outbox.enqueue' || !effect.body || effect.templateRef) continue;
    const body = `${effect.body}\n\n${line}`;
    if (!fitsInOneMessage(body)) continue;
    const added = effects.findIndex((e) => e.type === 'message.add' && e.message.ref === effect.messageRef);
    if (added < 0) continue;
    const message = effects[added] as Extract<Effect, { type: 'message.add' }>;
    const next = effects.slice();
    next[added] = { ...message, message: { ...message.message, body, extra: { ...message.message.extra, noticeVersion: notice.version } } };
    next[i] = { ...effect, body };
    const facts = { ...noticeFacts(decision.state), linkedVersion: notice.version };
    return { ...decision, state: { ...decision.state, notice: facts }, effects: next };
  }
  return decision;
}
