/**
 * @module actors/vocabulary — the domain's closed vocabularies, each written once: the Postgres enums
 * (server/db/schema/enums), the SQL that compares them (server/db/vocabulary-sql), the domain types and the
 * views' label maps are all derived from these arrays. Order matters where a Postgres enum is built from an
 * array: a changed order is a changed enum, and drizzle-kit writes a migration for it.
 */

/** A conversation's status, as the original brief names them (enum `conversation_status`, in this order). */
export const CONVERSATION_STATUSES = ['new', 'open', 'pending_form', 'pending_photo', 'needs_attention', 'closed', 'archived'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Who wrote a message (the brief; enum `message_sender`). */
export const SENDERS = ['aspirant', 'recruiter', 'bot'] as const;
export type Sender = (typeof SENDERS)[number];

/**
 * The forward order of a message's delivery: Twilio's message statuses (queued, sending, sent, delivered, read)
 * preceded by `received`, which an inbound message has from the start. A status only ever moves forward.
 */
export const DELIVERY_ORDER = ['received', 'queued', 'sending', 'sent', 'delivered', 'read'] as const;
export type ProgressStatus = (typeof DELIVERY_ORDER)[number];

/** Twilio's final message statuses: once there, a message's status never changes again. */
export const TERMINAL_DELIVERY_STATUSES = ['failed', 'undelivered'] as const;
export type TerminalDeliveryStatus = (typeof TERMINAL_DELIVERY_STATUSES)[number];

/** Every delivery status we track (enum `delivery_status`, in this order): the forward order, then the terminal ones. */
export const DELIVERY_STATUSES = [...DELIVERY_ORDER, ...TERMINAL_DELIVERY_STATUSES] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Whether a delivery status is final (failed, undelivered). */
export function isTerminal(status: string): status is TerminalDeliveryStatus {
  return (TERMINAL_DELIVERY_STATUSES as readonly string[]).includes(status);
}

/** A status's place in the forward order (received = 0 … read = 5); -1 for a terminal status or an unknown word. */
export function deliveryRank(status: string): number {
  return (DELIVERY_ORDER as readonly string[]).indexOf(status);
}

/** What WhatsApp media a message carries (the brief; enum `media_kind`). */
export const MEDIA_KINDS = ['image', 'video', 'audio', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * What a message is, as WhatsApp has it (enum `message_kind`, in this order; column `messages.kind`). Every provider
 * maps onto these: an unknown or new WhatsApp type is `unsupported` (its own word kept), never a refusal. The fields of
 * each kind are in actors/conversation/message-kinds. Our side's messages (bot, recruiter, templates) are `text`.
 */
export const MESSAGE_KINDS = ['text', 'image', 'sticker', 'audio', 'video', 'document', 'location', 'contacts', 'reaction', 'interactive', 'system', 'unsupported'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Whether a value is one of the MESSAGE_KINDS. */
export function isMessageKind(value: unknown): value is MessageKind {
  return (MESSAGE_KINDS as readonly unknown[]).includes(value);
}

/** A media row's download: pending → stored, or unavailable (retried on demand). Column `media.state` (text). */
export const MEDIA_STATES = ['pending', 'stored', 'unavailable'] as const;
export type MediaState = (typeof MEDIA_STATES)[number];

/**
 * An outbox row's life (enum `outbox_state`, in this order): pending → sending → sent | failed, or back to pending
 * for a retry. `unconfirmed`: the provider may have the message (a timeout, a dropped connection, a 5xx, a crash
 * mid-send) — it is looked up before any resend, never re-sent blind. `cancelled` is never sent.
 */
export const OUTBOX_STATES = ['pending', 'sending', 'unconfirmed', 'sent', 'failed', 'cancelled'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** What a durable inbound event row holds (column `inbound_events.kind`, text): a message, a status callback, a form. */
export const INBOUND_EVENT_KINDS = ['message', 'status', 'form'] as const;
export type InboundEventKind = (typeof INBOUND_EVENT_KINDS)[number];

/** Where a form submission came from (column `form_submissions.source`, text): the hosted form or an external tool's webhook. */
export const FORM_SOURCES = ['hosted', 'webhook'] as const;
export type FormSource = (typeof FORM_SOURCES)[number];

/** A user's role (the design's security section; enum `user_role`). */
export const ROLES = ['admin', 'recruiter'] as const;
export type Role = (typeof ROLES)[number];

/** Which conversations an inbox list shows: the viewer's, the unassigned ones, or all the viewer may see. */
export const INBOX_SCOPES = ['mine', 'unassigned', 'all'] as const;
export type InboxScope = (typeof INBOX_SCOPES)[number];

/** The kinds of modeling an aspirant may prefer (the brief's examples, plus Other). Column `aspirants.preferred_modeling_types` (text[]). */
export const MODELING_TYPES = ['Runway', 'Commercial', 'Fitness', 'Parts', 'Promotional', 'Other'] as const;
export type ModelingType = (typeof MODELING_TYPES)[number];

/** An aspirant's preferred shift (the brief; enum `shift`, in this order). */
export const SHIFTS = ['morning', 'afternoon', 'evening', 'flexible', 'any'] as const;
export type Shift = (typeof SHIFTS)[number];

/** The parts of the day an aspirant may be unavailable (the brief's unavailableShifts). Column `aspirants.unavailable_shifts` (text[]). */
export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const satisfies readonly Shift[];
export type DayPart = (typeof DAY_PARTS)[number];

/** The languages of the bot, the form and the pages: Spanish (Colombia) first, English second. Column `aspirants.locale` (text). */
export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Whether a value is one of the LOCALES. */
export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

// Personal data (Colombia's Law 1581 of 2012 and Decree 1377 of 2013, compiled in DUR 1074 of 2015).

/**
 * What a consent-ledger row authorises (table `consents`, column `scope`): `treatment` is the authorisation to treat her
 * personal data for the notice's purposes (Law 1581 Art. 9); the others are the sensitive data she may choose to give or
 * not (Art. 6 and Decree 1377 Art. 6: answering about sensitive data is optional) — photos of her face and body
 * (biometric), her measurements, whether she has children.
 */
export const CONSENT_SCOPES = ['treatment', 'photos', 'measurements', 'children'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** A ledger row grants (`authorisation`) or withdraws (`revocation`, Law 1581 Art. 8 e) its scope; the latest row per scope holds. */
export const CONSENT_DECISIONS = ['authorisation', 'revocation'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** Where a consent or a data-subject request came from. */
export const PRIVACY_CHANNELS = ['form', 'form_webhook', 'whatsapp', 'guardian_link', 'privacy_page', 'recruiter', 'cli'] as const;
export type PrivacyChannel = (typeof PRIVACY_CHANNELS)[number];

/** Who gave a consent: the aspirant herself, or a minor's legal representative (Decree 1377 Art. 12, now DUR 1074/2015 Art. 2.2.2.25.2.9). */
export const CONSENT_GRANTORS = ['aspirant', 'guardian'] as const;
export type ConsentGrantor = (typeof CONSENT_GRANTORS)[number];

/** A minor's guardian's relationship to her. */
export const GUARDIAN_RELATIONSHIPS = ['mother', 'father', 'legal_guardian', 'other'] as const;
export type GuardianRelationship = (typeof GUARDIAN_RELATIONSHIPS)[number];

/** Colombian identity documents a guardian may give: cédula de ciudadanía, cédula de extranjería, pasaporte, PPT. */
export const ID_DOCUMENT_TYPES = ['CC', 'CE', 'PA', 'PPT'] as const;
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number];

/**
 * The data subject's rights a request exercises (Law 1581 Art. 8): to know her data (`access`), to get proof of her
 * authorisation (`proof`), to update or rectify it (`rectification`), to revoke the authorisation (`revocation`), to have it
 * deleted (`erasure`, "supresión"). The first two are queries ("consultas", Art. 14), the others claims ("reclamos",
 * Art. 15): see server/privacy/deadlines.
 */
export const DATA_SUBJECT_RIGHTS = ['access', 'proof', 'rectification', 'revocation', 'erasure'] as const;
export type DataSubjectRight = (typeof DATA_SUBJECT_RIGHTS)[number];

/** A request's life: received → in_progress ("reclamo en trámite" for claims) → done or rejected; `extended` once its term was extended. */
export const REQUEST_STATUSES = ['received', 'in_progress', 'done', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Reads of personal data that are audited (table `read_audit`): "who saw my photos". */
export const READ_ACTIONS = ['conversation.opened', 'media.viewed', 'media.downloaded', 'aspirant.exported', 'search'] as const;
export type ReadAction = (typeof READ_ACTIONS)[number];
