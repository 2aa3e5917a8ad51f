/** @module server/db/schema/enums — the domain's closed vocabularies as Postgres enums. */
import { pgEnum } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['admin', 'recruiter']);
export const conversationStatus = pgEnum('conversation_status', ['new', 'open', 'pending_form', 'pending_photo', 'needs_attention', 'closed', 'archived']);
export const messageSender = pgEnum('message_sender', ['aspirant', 'recruiter', 'bot']);
export const mediaKind = pgEnum('media_kind', ['image', 'video', 'audio', 'document']);
export const deliveryStatus = pgEnum('delivery_status', ['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered']);
export const shift = pgEnum('shift', ['morning', 'afternoon', 'evening', 'flexible', 'any']);
/**
 * An outbox row's life: pending → sending → sent | failed, or back to pending for a retry. `unconfirmed`: the
 * provider may have the message (a timeout, a dropped connection, a 5xx, a crash mid-send) — it is looked up
 * before any resend, never re-sent blind. `cancelled` is never sent.
 */
export const outboxState = pgEnum('outbox_state', ['pending', 'sending', 'unconfirmed', 'sent', 'failed', 'cancelled']);
