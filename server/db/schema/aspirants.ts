/** @module server/db/schema/aspirants — the people who write to the agency, and their form submissions. */
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { shift } from './enums';

export const aspirants = pgTable(
  'aspirants',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** E.164, e.g. +573001234567 — the conversation key. */
    whatsappId: text('whatsapp_id').notNull(),
    whatsappName: text('whatsapp_name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    location: text('location'),
    preferredModelingTypes: text('preferred_modeling_types').array().notNull().default([]),
    hasKids: boolean('has_kids'),
    preferredShift: shift('preferred_shift'),
    unavailableShifts: text('unavailable_shifts').array().notNull().default([]),
    notes: text('notes'),
    locale: text('locale').notNull().default('es'),
    formSubmittedAt: timestamp('form_submitted_at', { withTimezone: true }),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('aspirants_whatsapp_id_key').on(t.whatsappId)],
);

/** Every form submission is kept; the aspirant row holds the latest. */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    aspirantId: integer('aspirant_id')
      .notNull()
      .references(() => aspirants.id, { onDelete: 'cascade' }),
    /** Idempotency key from an external form tool, when it sends one. */
    externalId: text('external_id'),
    source: text('source').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('form_submissions_aspirant_idx').on(t.aspirantId, t.createdAt), uniqueIndex('form_submissions_external_id_key').on(t.externalId)],
);
