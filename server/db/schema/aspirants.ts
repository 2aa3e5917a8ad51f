/**
 * @module server/db/schema/aspirants — the people who write to the agency, and their form submissions.
 *
 * Identity (server/db/batch-insert resolves it): an aspirant is found by her BSUID where a message carries one, else
 * by her phone; `whatsapp_id` is the conversation key, fixed when she is first seen. Phone, BSUID and username are
 * attributes that may be missing (a WhatsApp user with a username may hide her number) and are linked as they come.
 */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { shift } from './enums';

export const aspirants = pgTable(
  'aspirants',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /**
     * The conversation key (actor key, inbound_events.conversation_key, outbox.to_number), never changed: her phone
     * (E.164, `+573001234567`) when she was first seen with one, else her BSUID (`CO.1502576394655843`).
     */
    whatsappId: text('whatsapp_id').notNull(),
    /** Her number, E.164, when known; null when she hides it behind a username. Unique among aspirants. */
    phone: text('phone'),
    /** Meta's business-scoped user id, when a provider sent one (server/whatsapp/port `BSUID`). Unique among aspirants. */
    bsuid: text('bsuid'),
    /** Her WhatsApp username without the `@`, as last sent; shown where there is no number, never used to find her. */
    username: text('username'),
    whatsappName: text('whatsapp_name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    location: text('location'),
    preferredModelingTypes: text('preferred_modeling_types').array().notNull().default([]),
    /** Optional and sensitive (Law 1581 Art. 6): null when she did not answer or did not authorise it. */
    hasKids: boolean('has_kids'),
    /** Her date of birth (YYYY-MM-DD) from the form: under 18 she needs her guardian's authorisation (server/privacy/guardians). */
    birthDate: date('birth_date', { mode: 'string' }),
    /** Optional and sensitive: `{ heightCm?, bustCm?, waistCm?, hipsCm? }`, whole centimetres; null when not given or not authorised. */
    measurements: jsonb('measurements'),
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
  (t) => [
    uniqueIndex('aspirants_whatsapp_id_key').on(t.whatsappId),
    // Partial: most aspirants of a Twilio deployment have no BSUID, and none is indexed (nor written) for them.
    uniqueIndex('aspirants_phone_key')
      .on(t.phone)
      .where(sql`${t.phone} is not null`),
    uniqueIndex('aspirants_bsuid_key')
      .on(t.bsuid)
      .where(sql`${t.bsuid} is not null`),
  ],
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
