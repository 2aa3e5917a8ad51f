/** @module server/db/schema/conversations — one conversation per aspirant, its messages, media and notes. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { aspirants } from './aspirants';
import { conversationStatus, deliveryStatus, mediaKind, messageKind, messageSender } from './enums';
import { users } from './users';

export const conversations = pgTable(
  'conversations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    aspirantId: integer('aspirant_id')
      .notNull()
      .references(() => aspirants.id, { onDelete: 'cascade' }),
    status: conversationStatus('status').notNull().default('new'),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** The bot interpreter's state; pinned script version lives in botScript (name@version). */
    botState: jsonb('bot_state'),
    botScript: text('bot_script'),
    botPaused: boolean('bot_paused').notNull().default(false),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    /**
     * The aspirant's first message since our side last wrote (null: nobody waits); set and cleared by decide(), in
     * whole milliseconds (the waiting list's keyset cursor carries milliseconds).
     */
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    lastMessagePreview: text('last_message_preview'),
    unreadCount: integer('unread_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_aspirant_id_key').on(t.aspirantId),
    // The inbox list: newest activity first, optionally per assignee or status.
    index('conversations_inbox_idx').on(t.lastMessageAt.desc(), t.id.desc()),
    index('conversations_assignee_inbox_idx').on(t.assigneeId, t.lastMessageAt.desc()),
    index('conversations_status_inbox_idx').on(t.status, t.lastMessageAt.desc()),
    // Who waits for us, longest wait first (the list's `waiting` filter, keyset-paged): only the rows that wait.
    index('conversations_waiting_idx')
      .on(t.waitingSince, t.id)
      .where(sql`waiting_since is not null`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    sender: messageSender('sender').notNull(),
    /** The recruiter who wrote it (sender = recruiter). */
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull().default(''),
    /** Twilio's MessageSid: inbound from the webhook, outbound once the API accepted it. */
    providerSid: text('provider_sid'),
    status: deliveryStatus('status').notNull(),
    errorCode: integer('error_code'),
    errorMessage: text('error_message'),
    templateRef: text('template_ref'),
    /** Meta's pricing category for a message we sent (`service`, `utility`, `marketing`, `authentication`), from its statuses. */
    pricingCategory: text('pricing_category'),
    /**
     * What the message is (actors/vocabulary MESSAGE_KINDS) and the fields of its kind, without `kind` (null when it
     * has none): actors/conversation/message-kinds, read back with `contentOfRow(kind, content)`. Its text — typed,
     * a caption, a button's title — is `body`; its files are its `media` rows.
     */
    kind: messageKind('kind').notNull().default('text'),
    content: jsonb('content'),
    /**
     * The provider's id of the message this one refers to: the one a reply quotes, or the one a reaction reacts to
     * (a reaction is a row of its own, kind `reaction`, attached to that message by the views, not a bubble). Resolved
     * to our message through `provider_sid` (messages_provider_sid_key): see server/db/queries/messages referredMessages.
     */
    refersToSid: text('refers_to_sid'),
    /** The click-to-WhatsApp ad that brought her (actors/conversation/message-kinds Referral), on the message after the click. */
    referral: jsonb('referral'),
    /**
     * Free-form facts: a bot message's `messageKey`; an aspirant's forwarded flags and the marks of parts not kept as
     * sent (actors/conversation/types InboundExtra). Rows stored before 0009 may hold a location, a button or a
     * replied-to sid here, as the migration found them (it copied them into the columns above).
     */
    extra: jsonb('extra'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('messages_conversation_history_idx').on(t.conversationId, t.id), uniqueIndex('messages_provider_sid_key').on(t.providerSid)],
);

export const media = pgTable(
  'media',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    kind: mediaKind('kind'),
    contentType: text('content_type'),
    size: integer('size'),
    blobKey: text('blob_key'),
    checksum: text('checksum'),
    sourceUrl: text('source_url'),
    /** pending → stored, or unavailable (with error) and retried on demand. */
    state: text('state').notNull().default('pending'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('media_message_id_idx').on(t.messageId),
    index('media_pending_idx')
      .on(t.id)
      .where(sql`state = 'pending'`),
  ],
);

export const notes = pgTable(
  'notes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notes_conversation_idx').on(t.conversationId, t.id)],
);
