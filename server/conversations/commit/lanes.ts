/**
 * @module server/conversations/commit/lanes — which lane commits an event's effects, decided by an exhaustive switch
 * on effect types: a new effect type does not compile until it is placed here.
 *
 * - `set`: one data-modifying statement for many conversations at once (messages, first messages with the bot's
 *   welcome, bot steps, timers) — server/conversations/commit/set-statement;
 * - `status`: one delivery-status move (Twilio's callbacks, the outbox's "sent") — status-statement;
 * - `general`: everything else, effect by effect in a transaction — general.
 */
import type { ConversationEvent, ConversationState, Effect } from '../../../actors/conversation/types';

export type Lane = 'set' | 'status' | 'general';

/** What one effect needs: a lane of its own, or `any` lane that handles the rest of the event. */
type Need = 'set' | 'status' | 'general' | 'marker';

/** The exhaustive switch: every effect type is placed, or this does not compile. */
function needOf(effect: Effect): Need {
  switch (effect.type) {
    case 'inbound.processed':
      return 'marker';
    case 'conversation.create':
    case 'conversation.patch':
    case 'aspirant.patch':
    case 'outbox.enqueue':
    case 'timer.schedule':
    case 'timer.cancel':
    case 'timer.consumed':
      return 'set';
    case 'message.add':
      // Media rows hang off the message: the general path writes them.
      return effect.message.media?.length ? 'general' : 'set';
    case 'message.status':
      return 'status';
    case 'media.record':
    case 'aspirant.profile':
    case 'note.add':
    case 'audit':
    case 'dataRequest.open':
      return 'general';
    default: {
      const unplaced: never = effect;
      throw new Error(`effect ${(unplaced as Effect).type} has no lane`);
    }
  }
}

/**
 * The lane for one event's effects. A recruiter's command (it carries a commandId, checked against the journal so a
 * retried commit is not applied twice) and a first message whose aspirant row is not known take the general path.
 */
export function laneOf(state: ConversationState, event: ConversationEvent, effects: Effect[]): Lane {
  const needs = effects.map(needOf);
  const count = (need: Need) => needs.filter((n) => n === need).length;
  if (count('general') > 0 || count('marker') > 1) return 'general';
  if (count('status') > 0) return count('status') === 1 && count('set') === 0 && state.conversationId !== null ? 'status' : 'general';
  if ('commandId' in event && event.commandId) return 'general';
  if (effects.filter((e) => e.type === 'timer.consumed').length > 1) return 'general';
  const creates = effects.some((e) => e.type === 'conversation.create');
  if (creates ? state.aspirantId === null : state.conversationId === null) return 'general';
  return 'set';
}
