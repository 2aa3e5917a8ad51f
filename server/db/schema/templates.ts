/**
 * @module server/db/schema/templates — the WhatsApp message templates each provider lists (Twilio's Content API,
 * Meta's message templates), as the last sync saw them (server/services/templates). Outside the 24-hour window only
 * an approved one may be sent; a template the provider no longer lists stays here, `listed = false`, so the messages
 * that used it keep their history, but it is no longer offered.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const templates = pgTable(
  'templates',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** The provider that lists it (server/whatsapp/port ProviderName): `twilio`, `meta`. */
    provider: text('provider').notNull(),
    /** What a send names: Twilio's Content SID (`HX…`), or Meta's `name:language`. Unique per provider. */
    ref: text('ref').notNull(),
    name: text('name').notNull(),
    /** As the provider writes it: `es`, `es_CO`, `en_US`. */
    language: text('language').notNull(),
    /** `utility`, `marketing`, `authentication`; null when the provider does not say. */
    category: text('category'),
    /** `approved`, `pending`, `rejected`, `paused`, `disabled`, `unsubmitted`… (lower case, as the provider says). */
    status: text('status').notNull(),
    /** The body with its placeholders (`Hola {{1}}`, `Hola {{first_name}}`). */
    body: text('body').notNull(),
    /** The placeholders' names in order (`['1', '2']`): every one needs a value when it is sent. */
    variables: text('variables').array().notNull().default([]),
    /** False once a sync no longer finds it at the provider (deleted there): kept for history, never offered. */
    listed: boolean('listed').notNull().default(true),
    /** The last sync that found it listed. */
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When a sync last changed what it stores (status, body, listed…). */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('templates_provider_ref_key').on(t.provider, t.ref),
    // What the composer reads: the approved ones a provider still lists.
    index('templates_offered_idx')
      .on(t.provider, t.name)
      .where(sql`${t.listed} and ${t.status} = 'approved'`),
  ],
);
