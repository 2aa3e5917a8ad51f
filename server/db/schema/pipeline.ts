/** @module server/db/schema/pipeline — durable inbound events, the outbox, timers and dead letters. */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { conversations, messages } from './conversations';
import { outboxState } from './enums';

/** Written before the webhook is acknowledged; processed by the conversation's actor afterwards. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Twilio MessageSid (or another source's id): a duplicate delivery is a no-op. */
    providerSid: text('provider_sid').notNull(),
    kind: text('kind').notNull(),
    /** The actor key: the aspirant's E.164 number. */
    conversationKey: text('conversation_key').notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('inbound_events_provider_sid_key').on(t.providerSid),
    index('inbound_events_unprocessed_idx')
      .on(t.id)
      .where(sql`processed_at IS NULL`),
    // A hint (server/cluster/hints) names an event; its owner reads that conversation's unprocessed events in order.
    index('inbound_events_unprocessed_key_idx')
      .on(t.conversationKey, t.id)
      .where(sql`processed_at IS NULL`),
    // Status callbacks parked until their message's sid is recorded, found by that sid: the status statement asks
    // whether one is parked with every recorded sid (server/conversations/commit/status-statement), and
    // parkedStatusQuery (server/conversations/recovery) reads them when one is. Without it each look-up scans every
    // unprocessed event.
    index('inbound_events_parked_status_idx')
      .on(sql`(${t.payload} -> 'event' ->> 'messageSid')`)
      .where(sql`processed_at IS NULL AND kind = 'status'`),
    // Meta's statuses echo our idempotency key (biz_opaque_callback_data): the reconciliation of an ambiguous Meta
    // send looks its key up here (server/whatsapp/meta-provider receiptsLookup). Only statuses that carry one.
    index('inbound_events_callback_data_idx')
      .on(sql`(${t.payload} -> 'event' ->> 'callbackData')`)
      .where(sql`kind = 'status' AND (payload -> 'event') ? 'callbackData'`),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Sent to Twilio as I-Twilio-Idempotency-Token: a row is never sent twice. */
    idempotencyKey: text('idempotency_key').notNull(),
    toNumber: text('to_number').notNull(),
    body: text('body'),
    templateRef: text('template_ref'),
    templateVariables: jsonb('template_variables'),
    mediaUrls: text('media_urls').array(),
    state: outboxState('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    providerSid: text('provider_sid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When the last send attempt started (set by the claim): reconciliation waits for a receipt from here. */
    attemptedAt: timestamp('attempted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key_key').on(t.idempotencyKey),
    uniqueIndex('outbox_message_id_key').on(t.messageId),
    index('outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`state = 'pending'`),
    // The few rows in doubt ('sending', 'unconfirmed'), by conversation: a later row of the same conversation is not
    // sent ahead of one whose fate is still unknown. Written as "not in" the other states because a new enum value
    // cannot be used in the transaction that adds it (all migrations run in one); the worker's query uses the same
    // text (server/jobs/outbox-claim) so the planner can use the index.
    index('outbox_in_doubt_idx')
      .on(t.conversationId)
      .where(sql`state not in ('pending', 'sent', 'failed', 'cancelled')`),
  ],
);

export const timers = pgTable(
  'timers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    fireAt: timestamp('fire_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload'),
    firedAt: timestamp('fired_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('timers_due_idx')
      .on(t.fireAt)
      .where(sql`fired_at IS NULL AND cancelled_at IS NULL`),
    index('timers_conversation_idx').on(t.conversationId),
  ],
);

/** An event that failed every retry: kept for an operator, never silently dropped. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationKey: text('conversation_key').notNull(),
    inboundEventId: bigint('inbound_event_id', { mode: 'number' }),
    event: jsonb('event').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('dead_letters_open_idx')
      .on(t.createdAt)
      .where(sql`resolved_at IS NULL`),
  ],
);
