/** @module server/db/schema/enums — the domain's closed vocabularies as Postgres enums, built from actors/vocabulary (same values, same order). */
import { pgEnum } from 'drizzle-orm/pg-core';
import { CONVERSATION_STATUSES, DELIVERY_STATUSES, MEDIA_KINDS, MESSAGE_KINDS, OUTBOX_STATES, ROLES, SENDERS, SHIFTS } from '../../../actors/vocabulary';

export const userRole = pgEnum('user_role', ROLES);
export const conversationStatus = pgEnum('conversation_status', CONVERSATION_STATUSES);
export const messageSender = pgEnum('message_sender', SENDERS);
export const mediaKind = pgEnum('media_kind', MEDIA_KINDS);
/** What a message is: see MESSAGE_KINDS in actors/vocabulary (its fields: actors/conversation/message-kinds). */
export const messageKind = pgEnum('message_kind', MESSAGE_KINDS);
export const deliveryStatus = pgEnum('delivery_status', DELIVERY_STATUSES);
export const shift = pgEnum('shift', SHIFTS);
/** An outbox row's life: see OUTBOX_STATES in actors/vocabulary. */
export const outboxState = pgEnum('outbox_state', OUTBOX_STATES);
