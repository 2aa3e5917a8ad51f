/** @module server/db/schema/bot — immutable bot script versions, canned responses, and each conversation's event journal. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { conversations } from './conversations';
import { users } from './users';

/** `name@version`, never edited once written; one active version per name. */
export const botScripts = pgTable(
  'bot_scripts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    body: text('body').notNull(),
    checksum: text('checksum').notNull(),
    author: text('author').notNull(),
    active: boolean('active').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('bot_scripts_name_version_key').on(t.name, t.version),
    uniqueIndex('bot_scripts_one_active_key')
      .on(t.name)
      .where(sql`active`),
  ],
);

/** Every event a conversation's actor handled, in order: the source for replays and the event history panel. */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    /** Messages this event created (the bot's replies among them): what a replay compares against. */
    messageIds: bigint('message_ids', { mode: 'number' }).array().notNull().default([]),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('conversation_events_history_idx').on(t.conversationId, t.id),
    // A recruiter's command is applied once: a commit retried after its answer was lost finds its journal row here.
    uniqueIndex('conversation_events_command_key')
      .on(sql`(${t.payload} ->> 'commandId')`)
      .where(sql`(${t.payload} ->> 'commandId') IS NOT NULL`),
  ],
);

export const cannedResponses = pgTable('canned_responses', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
