/**
 * @module server/conversations/commit/set-plan — one event's effects in the `set` lane as rows of the set
 * statement's inputs: the conversation row's fields, its new messages, outbox rows and timer changes.
 */
import type { ConversationEvent, ConversationPatch, ConversationState, Effect, Locale, NewMessage } from '../../../actors/conversation/types';
import { mergePatches } from './patch-columns';

export interface SetPlan {
  key: string;
  /** Null: the event creates the conversation (its aspirant row exists: `aspirantId`). */
  conversationId: number | null;
  aspirantId: number | null;
  /** The exactly-once markers: the webhook row marked processed, the timer marked fired. */
  eventId: number | null;
  timerId: number | null;
  /** aspirant.patch, merged: undefined fields keep the column. */
  aspirant: { whatsappName?: string; optedOutAt?: number | null; locale?: Locale } | null;
  /** The merged patch, or null when the event had none (the row is not touched). */
  patch: ConversationPatch | null;
  messages: Omit<NewMessage, 'media'>[];
  outbox: { messageRef: string; idempotencyKey: string; body?: string; templateRef?: string; templateVariables?: Record<string, string> }[];
  /** Pending timers of the conversation to cancel, by name ('*': all), before this event's new ones. */
  cancel: string[];
  /** New timers; `cancelled` when a later effect of the same event cancelled it again (the row is kept, as the general path does). */
  schedule: { name: string; at: number; cancelled: boolean }[];
  journal: { type: string; payload: ConversationEvent; at: number };
}

/**
 * The plan for effects the `set` lane takes (lanes.ts decided): effects are folded in order, so the rows are those
 * the general path writes effect by effect.
 */
export function setPlan(state: ConversationState, event: ConversationEvent, effects: Effect[], now: number): SetPlan {
  const plan: SetPlan = {
    key: state.key,
    conversationId: state.conversationId,
    aspirantId: state.aspirantId,
    eventId: null,
    timerId: null,
    aspirant: null,
    patch: null,
    messages: [],
    outbox: [],
    cancel: [],
    schedule: [],
    journal: { type: event.type, payload: event, at: now },
  };
  const patches: ConversationPatch[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'inbound.processed':
        plan.eventId = effect.eventId;
        break;
      case 'timer.consumed':
        plan.timerId = effect.timerId;
        break;
      case 'conversation.create':
        break;
      case 'conversation.patch':
        patches.push(effect.patch);
        break;
      case 'aspirant.patch': {
        const next = { ...plan.aspirant };
        if (effect.whatsappName !== undefined) next.whatsappName = effect.whatsappName;
        if (effect.optedOut !== undefined) next.optedOutAt = effect.optedOut ? effect.at : null;
        if (effect.locale !== undefined) next.locale = effect.locale;
        plan.aspirant = next;
        break;
      }
      case 'message.add': {
        const { media: _media, ...message } = effect.message;
        plan.messages.push(message);
        break;
      }
      case 'outbox.enqueue':
        if (!plan.messages.some((m) => m.ref === effect.messageRef)) throw new Error(`outbox.enqueue refers to unknown message ${effect.messageRef}`);
        plan.outbox.push({ messageRef: effect.messageRef, idempotencyKey: Bun.randomUUIDv7(), body: effect.body, templateRef: effect.templateRef, templateVariables: effect.templateVariables });
        break;
      case 'timer.cancel':
        cancelTimer(plan, effect.name);
        break;
      case 'timer.schedule':
        cancelTimer(plan, effect.name);
        plan.schedule.push({ name: effect.name, at: effect.at, cancelled: false });
        break;
      default:
        throw new Error(`the set lane cannot commit ${effect.type}`);
    }
  }
  if (patches.length) plan.patch = mergePatches(patches);
  return plan;
}

/** Cancels pending timers by name: those stored before (in SQL) and those this event scheduled (kept, cancelled). */
function cancelTimer(plan: SetPlan, name: string): void {
  // A conversation this event creates has no timers stored yet: nothing to look up.
  if (plan.conversationId !== null && !plan.cancel.includes(name)) plan.cancel.push(name);
  for (const t of plan.schedule) if (name === '*' || t.name === name) t.cancelled = true;
}
