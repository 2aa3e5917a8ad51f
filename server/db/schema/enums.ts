/** @module server/db/schema/enums — the domain's closed vocabularies as Postgres enums. */
import { pgEnum } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['admin', 'recruiter']);
export const conversationStatus = pgEnum('conversation_status', [
  'new',
  'open',
  'pending_form',
  'pending_photo',
  'needs_attention',
  'closed',
  'archived',
]);
export const messageSender = pgEnum('message_sender', ['aspirant', 'recruiter', 'bot']);
export const mediaKind = pgEnum('media_kind', ['image', 'video', 'audio', 'document']);
export const deliveryStatus = pgEnum('delivery_status', [
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
]);
export const shift = pgEnum('shift', ['morning', 'afternoon', 'evening', 'flexible', 'any']);
export const outboxState = pgEnum('outbox_state', ['pending', 'sending', 'sent', 'failed', 'cancelled']);
