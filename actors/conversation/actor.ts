/** @module actors/conversation/actor — the actor shell: decide, commit in one transaction, run the after-commit effects, answer. */
import type { ActorBehaviour, Handled } from '../runtime';
import { decide, type BotContext } from './decide';
import type { AfterCommit, ConversationStore } from './ports';
import type { ConversationEvent, ConversationState, ReplyResult } from './types';

/** `B`: the store's read-back on each commit, handed to `after.changed` untouched (see CommitResult). */
export interface ConversationActorDeps<B = never> {
  store: ConversationStore<B>;
  /** Resolves the bot script (pinned, or the active one for a new conversation) and the form-link signer. */
  bot?: (state: ConversationState, event: ConversationEvent) => Promise<BotContext | undefined>;
  after: AfterCommit<B>;
  now?: () => number;
  onDeadLetter?: (key: string, event: ConversationEvent, error: unknown, attempts: number) => Promise<void>;
}

/** The next state, with `reply` only when the event is a recruiter's reply (the only event that answers its caller). */
function answer(event: ConversationEvent, state: ConversationState, reply: ReplyResult): Handled<ConversationState, ReplyResult> {
  return event.type === 'recruiter.replied' ? { state, reply } : { state };
}

/**
 * The conversation actor for the registry. `handle` answers a `recruiter.replied` call with its ReplyResult: the
 * refusal decide() gave (nothing committed), or `{ ok: true, messageId }` with the committed reply's id — also when
 * the command had been applied before (a retry after a lost COMMIT answer), even one decide() would now refuse. Any other event answers nothing. A throw
 * (the commit failed) is the runtime's to retry; a dead-lettered call gets no reply, its caller decides what to say.
 */
export function conversationBehaviour<B = never>(deps: ConversationActorDeps<B>): ActorBehaviour<string, ConversationState, ConversationEvent, ReplyResult> {
  const now = deps.now ?? Date.now;
  return {
    load: (key) => deps.store.load(key),
    async handle(key, state, event) {
      const at = now();
      if (state.aspirantId === null && event.type === 'inbound.received') {
        state = { ...state, aspirantId: await deps.store.ensureAspirant(key, event.profileName) };
      }
      const decision = decide(state, event, at, await deps.bot?.(state, event));
      if (decision.effects.length === 0) {
        // A refused reply that was in fact saved before (its first try's answer was lost): answered as sent.
        if (event.type === 'recruiter.replied' && event.commandId && decision.reply?.ok === false && deps.store.committedCommand) {
          const earlier = await deps.store.committedCommand(event.commandId);
          if (earlier) return answer(event, decision.state, { ok: true, messageId: earlier.messageId });
        }
        return answer(event, decision.state, decision.reply ?? { ok: false });
      }
      const result = await deps.store.commit(key, decision.state, decision.effects, event, at);
      if (!result.applied) {
        // Applied before (a retry after a lost COMMIT answer): the caller learns what the first run did.
        return answer(event, await deps.store.load(key), { ok: true, messageId: result.messageIds.reply });
      }
      const next = { ...decision.state, conversationId: result.conversationId ?? decision.state.conversationId };
      if (result.mediaIds.length) deps.after.mediaToFetch(key, result.mediaIds);
      if (result.enqueued) deps.after.outboxReady();
      if (result.recordedSids.length) deps.after.parkedSidsRecorded(key, result.recordedSids);
      if (next.conversationId !== null) deps.after.changed(key, next.conversationId, result, event);
      return answer(event, next, { ...(decision.reply ?? { ok: true }), messageId: result.messageIds.reply });
    },
    onDeadLetter: deps.onDeadLetter,
  };
}
