/**
 * @module server/db/schema/privacy — personal data under Colombia's Law 1581 of 2012: the privacy notice's versions,
 * the consent ledger, minors' guardians, data-subject requests with their legal deadlines, the salted hashes that
 * remember an erased person's opt-out, and the audit of reads of personal data.
 *
 * What goes when a person is erased (server/privacy/erase): her aspirant row and everything that cascades from it
 * (consents, guardians, conversations → messages, media, notes, events, timers, outbox); her requests and reads stay
 * with `aspirant_id` set null and their personal text cleared; an `erased_subjects` row keeps only a salted hash.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { aspirants } from './aspirants';
import { conversations } from './conversations';
import { users } from './users';

/**
 * The privacy notice and treatment policy ("aviso de privacidad", "política de tratamiento", Decree 1377 Arts. 13–15),
 * one immutable row per version and language; the highest version is in force. An admin publishing a change writes a
 * new version (Spanish required, English optional). `sha256` is of `body` (UTF-8, hex): what a consent row points to.
 */
export const privacyNotices = pgTable(
  'privacy_notices',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    version: integer('version').notNull(),
    /** actors/vocabulary LOCALES. */
    locale: text('locale').notNull(),
    title: text('title').notNull(),
    /** Plain text (paragraphs separated by blank lines), never HTML: the views escape it. */
    body: text('body').notNull(),
    sha256: text('sha256').notNull(),
    /** Who published it: an admin's e-mail, `cli`. */
    author: text('author').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('privacy_notices_version_locale_key').on(t.version, t.locale)],
);

/** A minor's legal representative, who authorises for her (Decree 1377 Art. 12; DUR 1074/2015 Art. 2.2.2.25.2.9). */
export const guardians = pgTable(
  'guardians',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    aspirantId: integer('aspirant_id')
      .notNull()
      .references(() => aspirants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** actors/vocabulary ID_DOCUMENT_TYPES. */
    documentType: text('document_type').notNull(),
    documentNumber: text('document_number').notNull(),
    /** actors/vocabulary GUARDIAN_RELATIONSHIPS. */
    relationship: text('relationship').notNull(),
    /** Where the signed authorisation link goes: her WhatsApp number (E.164) and/or e-mail. */
    phone: text('phone'),
    email: text('email'),
    linkSentAt: timestamp('link_sent_at', { withTimezone: true }),
    authorisedAt: timestamp('authorised_at', { withTimezone: true }),
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('guardians_aspirant_idx').on(t.aspirantId, t.createdAt.desc())],
);

/**
 * The consent ledger: one row per authorisation or revocation of one scope (actors/vocabulary CONSENT_SCOPES), never
 * updated; the latest row per (aspirant, scope) is in force. Proof of authorisation (Law 1581 Art. 9; Decree 1377 Art. 8).
 */
export const consents = pgTable(
  'consents',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    aspirantId: integer('aspirant_id')
      .notNull()
      .references(() => aspirants.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    /** actors/vocabulary CONSENT_DECISIONS. */
    decision: text('decision').notNull(),
    /** The notice's purposes she authorised (e.g. `recruitment`, `contact`); empty for a revocation. */
    purposes: text('purposes').array().notNull().default([]),
    /** The notice in force when she decided (privacy_notices.version, and the sha256 of the text she was shown). */
    noticeVersion: integer('notice_version').notNull(),
    noticeSha256: text('notice_sha256').notNull(),
    noticeLocale: text('notice_locale').notNull(),
    /** actors/vocabulary PRIVACY_CHANNELS. */
    channel: text('channel').notNull(),
    /** actors/vocabulary CONSENT_GRANTORS. */
    grantedBy: text('granted_by').notNull().default('aspirant'),
    guardianId: integer('guardian_id').references(() => guardians.id, { onDelete: 'set null' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consents_aspirant_scope_idx').on(t.aspirantId, t.scope, t.at.desc())],
);

/**
 * A data-subject request (Law 1581 Arts. 14–15): a query (`access`, `proof`) is due in 10 business days, extendable by
 * 5; a claim (`rectification`, `revocation`, `erasure`) in 15, extendable by 8, and is tagged "reclamo en trámite" within
 * 2 business days. Days are Colombian business days (server/privacy/deadlines). Kept after an erasure, without her.
 */
export const dataSubjectRequests = pgTable(
  'data_subject_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    aspirantId: integer('aspirant_id').references(() => aspirants.id, { onDelete: 'set null' }),
    conversationId: integer('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    /** actors/vocabulary DATA_SUBJECT_RIGHTS. */
    right: text('right').notNull(),
    /** `query` (consulta) or `claim` (reclamo), from the right. */
    category: text('category').notNull(),
    /** actors/vocabulary PRIVACY_CHANNELS. */
    channel: text('channel').notNull(),
    /** actors/vocabulary REQUEST_STATUSES. */
    status: text('status').notNull().default('received'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** The last day to answer (Bogotá calendar day), and the extended one once the term was extended (with its reason). */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    extendedDueOn: date('extended_due_on', { mode: 'string' }),
    extensionReason: text('extension_reason'),
    /** Claims only: the last day to tag "reclamo en trámite", and when it was tagged. */
    tagDueOn: date('tag_due_on', { mode: 'string' }),
    taggedAt: timestamp('tagged_at', { withTimezone: true }),
    /** What she asked, in her words (personal: cleared by an erasure). */
    details: text('details'),
    /** The answer given (personal: cleared by an erasure). */
    resolution: text('resolution'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    openedById: integer('opened_by_id').references(() => users.id, { onDelete: 'set null' }),
    handledById: integer('handled_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** The inbound message that opened it, when the bot did: at most one request per message. */
    sourceMessageSid: text('source_message_sid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('data_subject_requests_open_idx')
      .on(t.dueOn)
      .where(sql`status in ('received', 'in_progress')`),
    index('data_subject_requests_aspirant_idx').on(t.aspirantId),
    /**
     * At most one open request per aspirant and right (her repeated "eliminar" is the same request): inserts use ON
     * CONFLICT DO NOTHING and answer with the open one. Migration 0017 closed older duplicates before creating it.
     */
    uniqueIndex('data_subject_requests_open_right_key')
      .on(t.aspirantId, t.right)
      .where(sql`status in ('received', 'in_progress')`),
    uniqueIndex('data_subject_requests_source_key')
      .on(t.sourceMessageSid)
      .where(sql`source_message_sid is not null`),
  ],
);

/**
 * A person who was erased, by a salted hash only (HMAC-SHA256 of her phone or BSUID with the install's secret): a later
 * message from the same identity starts clean but keeps her opt-out. Holds no personal data.
 */
export const erasedSubjects = pgTable(
  'erased_subjects',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    identityHash: text('identity_hash').notNull(),
    optedOut: boolean('opted_out').notNull().default(false),
    /** `request` (a data-subject request or an admin), `retention` (the retention job). */
    reason: text('reason').notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('erased_subjects_identity_hash_key').on(t.identityHash)],
);

/** Every read of personal data (actors/vocabulary READ_ACTIONS): who opened which conversation, saw or downloaded which file, exported, searched. */
export const readAudit = pgTable(
  'read_audit',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Human label of the reader: an e-mail, `cli`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    aspirantId: integer('aspirant_id').references(() => aspirants.id, { onDelete: 'set null' }),
    conversationId: integer('conversation_id'),
    mediaId: bigint('media_id', { mode: 'number' }),
    /** What was asked (a search's terms): personal, cleared by an erasure that matches it. */
    details: jsonb('details'),
    ip: text('ip'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('read_audit_aspirant_idx').on(t.aspirantId, t.at.desc()), index('read_audit_recent_idx').on(t.at.desc())],
);
