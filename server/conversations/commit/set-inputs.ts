/**
 * @module server/conversations/commit/set-inputs — a batch of set plans as the set statement's inputs: which parts
 * the batch needs, and the JSON rows of its conversations (`items`), messages, outbox rows, cancels and new timers.
 */
import { messageInput } from './message-columns';
import { patchInput } from './patch-columns';
import type { SetPlan } from './set-plan';

const iso = (ms: number) => new Date(ms).toISOString();

/** Which parts a batch needs: a part no plan of the batch has is left out of the statement (less to plan and run). */
export interface Parts {
  creates: boolean;
  events: boolean;
  timers: boolean;
  patches: boolean;
  renames: boolean;
  messages: boolean;
  outbox: boolean;
  cancels: boolean;
  schedules: boolean;
  /** Every plan adds at most one message: its id is read straight from the insert, with no numbering per conversation. */
  oneMessageEach: boolean;
  /** Every plan patches its conversation (none is created): the list rows are all the update's RETURNING. */
  allPatched: boolean;
}

export function partsOf(plans: SetPlan[]): Parts {
  const some = (has: (p: SetPlan) => boolean) => plans.some(has);
  return {
    creates: some((p) => p.conversationId === null),
    events: some((p) => p.eventId !== null),
    timers: some((p) => p.timerId !== null),
    patches: some((p) => p.patch !== null),
    renames: some((p) => p.aspirant !== null),
    messages: some((p) => p.messages.length > 0),
    outbox: some((p) => p.outbox.length > 0),
    cancels: some((p) => p.cancel.length > 0),
    schedules: some((p) => p.schedule.length > 0),
    oneMessageEach: plans.every((p) => p.messages.length <= 1),
    allPatched: plans.every((p) => p.patch !== null && p.conversationId !== null),
  };
}

/** The JSON inputs of the statement: one `items` row per plan, and the rows of its messages, outbox, cancels and timers. */
export function inputsOf(plans: SetPlan[]) {
  const items = plans.map((p, ord) => ({
    ord,
    key: p.key,
    conversation_id: p.conversationId,
    aspirant_id: p.aspirantId,
    event_id: p.eventId,
    timer_id: p.timerId,
    a_set_name: p.aspirant?.whatsappName !== undefined,
    a_name: p.aspirant?.whatsappName ?? null,
    a_set_opted: p.aspirant?.optedOutAt !== undefined,
    a_opted_out_at: p.aspirant?.optedOutAt == null ? null : iso(p.aspirant.optedOutAt),
    a_locale: p.aspirant?.locale ?? null,
    has_patch: p.patch !== null,
    ...patchInput(p.patch ?? {}),
    ev_type: p.journal.type,
    ev_payload: p.journal.payload,
    ev_at: iso(p.journal.at),
  }));
  const messages = plans.flatMap((p, ord) => p.messages.map((m, seq) => ({ ord, seq, ...messageInput(m) })));
  const outbox = plans.flatMap((p, ord) =>
    p.outbox.map((o, n) => ({
      ord,
      n,
      seq: p.messages.findIndex((m) => m.ref === o.messageRef),
      idempotency_key: o.idempotencyKey,
      body: o.body ?? null,
      template_ref: o.templateRef ?? null,
      template_variables: o.templateVariables ?? null,
    })),
  );
  const cancels = plans.flatMap((p, ord) => p.cancel.map((name) => ({ ord, name })));
  const schedules = plans.flatMap((p, ord) => p.schedule.map((s, n) => ({ ord, n, name: s.name, fire_at: iso(s.at), cancelled: s.cancelled })));
  return { items, messages, outbox, cancels, schedules };
}
