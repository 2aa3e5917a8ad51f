/** @module actors/conversation/actor — the actor shell: decide, commit in one transaction, then run the after-commit effects. */
import type { ActorBehaviour } from '../runtime';
import { decide, type BotContext } from './decide';
import type { AfterCommit, ConversationStore } from './ports';
import type { ConversationEvent, ConversationState, ReplyResult } from './types';

export interface ConversationActorDeps {
  store: ConversationStore;
  /** Resolves the bot script (pinned, or the active one for a new conversation) and the form-link signer. */
  bot?: (state: ConversationState) => Promise<BotContext | undefined>;
  after: AfterCommit;
  now?: () => number;
  onDeadLetter?: (key: string, event: ConversationEvent, error: unknown, attempts: number) => Promise<void>;
}

function replyOf(effects: { type: string; result?: ReplyResult }[]): ReplyResult | undefined {
  return effects.find((effect) => effect.type === 'reply')?.result;
}

export function conversationBehaviour(deps: ConversationActorDeps): ActorBehaviour<string, ConversationState, ConversationEvent> {
  const now = deps.now ?? Date.now;
  return {
    load: (key) => deps.store.load(key),
    async handle(key, state, event) {
      const at = now();
      if (state.aspirantId === null && event.type === 'inbound.received') {
        state = { ...state, aspirantId: await deps.store.ensureAspirant(key, event.profileName) };
      }
      const decision = decide(state, event, at, await deps.bot?.(state));
      const reply = replyOf(decision.effects);
      if (decision.effects.every((effect) => effect.type === 'reply')) {
        if (event.type === 'recruiter.replied') event.reply?.(reply ?? { ok: false });
        return decision.state;
      }
      const result = await deps.store.commit(key, decision.state, decision.effects, event, at);
      if (!result.applied) {
        // Applied before (a retry after a lost COMMIT answer): the caller learns what the first run did.
        if (event.type === 'recruiter.replied') event.reply?.({ ok: true, messageId: result.messageIds.reply });
        return deps.store.load(key);
      }
      const next = { ...decision.state, conversationId: result.conversationId ?? decision.state.conversationId };
      if (event.type === 'recruiter.replied') event.reply?.({ ...(reply ?? { ok: true }), messageId: result.messageIds.reply });
      if (result.mediaIds.length) deps.after.mediaToFetch(key, result.mediaIds);
      if (result.enqueued) deps.after.outboxReady();
      if (result.recordedSids.length) deps.after.parkedSidsRecorded(key, result.recordedSids);
      if (next.conversationId !== null) deps.after.changed(key, next.conversationId, result, event);
      return next;
    },
    async onDeadLetter(key, event, error, attempts) {
      if (event.type === 'recruiter.replied') event.reply?.({ ok: false, message: 'The reply could not be saved; try again.' });
      await deps.onDeadLetter?.(key, event, error, attempts);
    },
  };
}
