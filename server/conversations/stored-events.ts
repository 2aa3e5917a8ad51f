/** @module server/conversations/stored-events — the durable `inbound_events` row as the conversation event it carries. */
import type { ConversationEvent, FormSubmitted, GuardianDecision, InboundReceived, StatusReceived } from '../../actors/conversation/types';
import type { inboundEvents } from '../db/schema';

/** What an `inbound_events.payload` holds: the event without its id (the row's id is the event id) and the raw webhook fields. */
export type StoredPayload = {
  event: Omit<InboundReceived, 'eventId'> | Omit<StatusReceived, 'eventId'> | Omit<FormSubmitted, 'eventId'> | Omit<GuardianDecision, 'eventId'>;
  raw?: Record<string, string>;
};

/** The stored row as the event its actor is told. */
export function toEvent(row: typeof inboundEvents.$inferSelect): ConversationEvent {
  return { ...(row.payload as StoredPayload).event, eventId: row.id } as ConversationEvent;
}
