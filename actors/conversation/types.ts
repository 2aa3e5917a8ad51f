/** @module actors/conversation/types — the conversation's state, the events it handles and the effects it asks for. */

import type { BotState } from '../bot/interpreter';
import type { ConsentScope, ConversationStatus, DataSubjectRight, DayPart, DeliveryStatus, Locale, MediaKind, MessageKind, ModelingType, Sender, Shift } from '../vocabulary';
import type { InboundMedia, InboundParts, MessageContent, PartMark, Referral, ReplyContext } from './message-kinds';

// The vocabulary lives in actors/vocabulary, the message model in ./message-kinds; re-exported here for the modules
// that import the conversation's types.
export type { ConversationStatus, DayPart, DeliveryStatus, Locale, MediaKind, MessageKind, ModelingType, Sender, Shift };
export type { InboundMedia, InboundParts, MessageContent, PartMark, Referral, ReplyContext };

export interface AspirantFacts {
  locale: Locale;
  firstName?: string;
  whatsappName?: string;
  hasKids?: boolean;
  formSubmitted: boolean;
  /** Under 18 by her form (Decree 1377 Art. 12): her guardian must authorise before photos are asked for. */
  minor?: boolean;
  /** Her guardian authorised the treatment of her data (a `guardians` row with `authorised_at`). */
  guardianAuthorised?: boolean;
  /** Her latest form authorised her photos (`sensitiveConsents` has `photos`); undefined: a form without the box. */
  photosAuthorised?: boolean;
}

/**
 * What the conversation knows about the privacy notice (Decree 1377 Art. 13–15) for her: the notice version of her
 * latest `treatment` consent (null: none recorded) and the last version we linked in a message to her (null: none).
 * The version in force comes with each event (BotContext.notice), so a notice published while the actor lives counts.
 */
export interface NoticeFacts {
  consentedVersion: number | null;
  linkedVersion: number | null;
}

/** What the actor keeps in memory: small, because 100,000 idle actors must fit in a few hundred MB. */
export interface ConversationState {
  /** The aspirant's E.164 number: the actor key. */
  key: string;
  conversationId: number | null;
  aspirantId: number | null;
  /** The bot script version this conversation is pinned to (`name@version`), and the bot's own state. */
  script: string | null;
  bot: BotState | null;
  /** What the bot's conditions and messages use about the aspirant. */
  facts: AspirantFacts;
  status: ConversationStatus;
  /** Epoch ms of the aspirant's last message: the 24-hour window is measured from it. */
  lastInboundAt: number | null;
  /**
   * Epoch ms of the aspirant's first message since our side (a recruiter, a template, the bot) last wrote: how long
   * she has waited for an answer. Null: nobody waits. Rules in decide.ts (`waitAfterInbound`).
   */
  waitingSince: number | null;
  optedOut: boolean;
  botPaused: boolean;
  assigneeId: number | null;
  /** Absent in states built before the privacy notice was tracked: read as nothing consented, nothing linked. */
  notice?: NoticeFacts;
}

/**
 * The aspirant's message, in the provider-neutral model (./message-kinds: body, content, media, context, referral,
 * forwarded flags, marks). `content` is optional because events journaled before message kinds existed have none
 * (their location, button or replied-to sid were in `extra`): read an event through `inboundParts`
 * (./inbound-message), which gives every event its content.
 */
export interface InboundReceived extends Omit<InboundParts, 'content'> {
  type: 'inbound.received';
  eventId: number;
  messageSid: string;
  profileName?: string;
  content?: MessageContent;
  /** Only in events journaled before message kinds: what Twilio sent beyond text, as then stored. */
  extra?: Record<string, unknown>;
  receivedAt: number;
}

export interface StatusReceived {
  type: 'status.received';
  eventId: number;
  messageSid: string;
  status: DeliveryStatus;
  errorCode?: number;
  errorMessage?: string;
  /** Meta's pricing category for the message (`service`, `utility`, `marketing`…), on the status that carries it. */
  pricingCategory?: string;
  /** What the provider echoed from our send (Meta's biz_opaque_callback_data): the outbox row's idempotency key. */
  callbackData?: string;
}

/** What a recruiter's reply answers its caller (the actor's return value to `registry.call`, never a callback). */
export interface ReplyResult {
  ok: boolean;
  messageId?: number;
  code?: 'OPTED_OUT' | 'WINDOW_CLOSED' | 'EMPTY_MESSAGE' | 'NO_CONVERSATION' | 'TOO_LONG';
  message?: string;
}

export interface ConversationAssigned {
  type: 'conversation.assigned';
  /** Unique per command (a UUIDv7): a commit retried after its answer was lost is recognised and not applied twice. */
  commandId?: string;
  userId: number;
  assigneeId: number | null;
}

export interface StatusChanged {
  type: 'conversation.status_changed';
  /** Unique per command (a UUIDv7): a commit retried after its answer was lost is recognised and not applied twice. */
  commandId?: string;
  userId: number;
  status: ConversationStatus;
}

export interface NoteAdded {
  type: 'note.added';
  /** Unique per command (a UUIDv7): a commit retried after its answer was lost is recognised and not applied twice. */
  commandId?: string;
  userId: number;
  body: string;
}

export interface BotResumed {
  type: 'bot.resumed';
  /** Unique per command (a UUIDv7): a commit retried after its answer was lost is recognised and not applied twice. */
  commandId?: string;
  userId: number;
}

export interface RecruiterReplied {
  type: 'recruiter.replied';
  /**
   * Unique per command (a UUIDv7, or for a reply from the composer `reply-` and 32 hex digits: server/services/reply-command):
   * a commit retried after its answer was lost, or the same reply sent again, is recognised and not applied twice.
   */
  commandId?: string;
  userId: number;
  body?: string;
  templateRef?: string;
  templateVariables?: Record<string, string>;
}

export interface OutboxSent {
  type: 'outbox.sent';
  messageId: number;
  providerSid: string;
}

export interface OutboxFailed {
  type: 'outbox.failed';
  messageId: number;
  errorCode?: number;
  reason: string;
}

export interface MediaStored {
  type: 'media.stored';
  mediaId: number;
  messageId: number;
  /** What the bytes are (sniffed), never what the sender declared. */
  kind: MediaKind;
  contentType: string;
  size: number;
  blobKey: string;
  checksum: string;
  /** The kind of the message the file came with (a sticker is image bytes but not a photo); absent in events written before files moved the bot. */
  messageKind?: MessageKind;
}

export interface MediaFailed {
  type: 'media.failed';
  mediaId: number;
  messageId: number;
  reason: string;
}

export interface TimerFired {
  type: 'timer.fired';
  timerId: number;
  name: string;
  firedAt: number;
}

/** What the aspirant's form says (hosted form or an external form tool), validated at the edge. */
export interface FormProfile {
  firstName: string;
  lastName: string;
  email?: string;
  location: string;
  preferredModelingTypes: ModelingType[];
  /** Sensitive and optional (Law 1581 Art. 6): present only when she answered and authorised `children`. */
  hasKids?: boolean;
  /** Sensitive and optional: whole centimetres, present only when she gave some and authorised `measurements`. */
  measurements?: { heightCm?: number; bustCm?: number; waistCm?: number; hipsCm?: number };
  preferredShift: Shift;
  unavailableShifts: DayPart[];
  notes?: string;
  locale: Locale;
  /** Her date of birth, `YYYY-MM-DD` (absent from submissions made before the form asked it). */
  birthDate?: string;
  /** Under 18 on the day she submitted (Bogotá): her guardian must authorise before photos (Decree 1377 Art. 12). */
  minor?: boolean;
  /** Submissions made before the form asked the date of birth confirmed age with a box; newer ones carry `birthDate`. */
  isAdult?: true;
  /** Her authorisation (Law 1581 Art. 9): always true in a valid submission. */
  consent: true;
  /** The sensitive data she authorised (actors/vocabulary CONSENT_SCOPES other than `treatment`). */
  sensitiveConsents?: Exclude<ConsentScope, 'treatment'>[];
}

export interface FormSubmitted {
  type: 'form.submitted';
  eventId: number;
  submissionId: number;
  profile: FormProfile;
  submittedAt: number;
}

/**
 * A minor's guardian decided on the treatment of her data (Decree 1377 Art. 12; DUR 1074/2015 Art. 2.2.2.25.2.9),
 * delivered durably by `ConversationSystem.guardianDecision` (an `inbound_events` row unique per guardian and
 * decision, so a repeated delivery is a no-op). `at`: epoch ms of the decision.
 */
export interface GuardianAuthorised {
  type: 'guardian.authorised';
  eventId: number;
  guardianId: number;
  at: number;
}

export interface GuardianDeclined {
  type: 'guardian.declined';
  eventId: number;
  guardianId: number;
  at: number;
}

export type GuardianDecision = GuardianAuthorised | GuardianDeclined;

export type ConversationEvent =
  | ConversationAssigned
  | StatusChanged
  | NoteAdded
  | BotResumed
  | TimerFired
  | FormSubmitted
  | InboundReceived
  | StatusReceived
  | RecruiterReplied
  | OutboxSent
  | OutboxFailed
  | MediaStored
  | MediaFailed
  | GuardianAuthorised
  | GuardianDeclined;

export interface ConversationPatch {
  status?: ConversationStatus;
  lastInboundAt?: number;
  lastMessageAt?: number;
  lastMessagePreview?: string;
  unreadIncrement?: number;
  botPaused?: boolean;
  botState?: unknown;
  botScript?: string;
  assigneeId?: number | null;
  /** Epoch ms the aspirant started waiting, or null when our side answered (or she opted out); absent keeps the column. */
  waitingSince?: number | null;
}

/**
 * A message this event creates; `ref` lets later effects of the same event point at it before it has an id. Stored in
 * `messages` through the one column map (server/conversations/commit/message-columns), whichever lane commits it.
 */
export interface NewMessage {
  ref: string;
  sender: Sender;
  body: string;
  status: DeliveryStatus;
  providerSid?: string;
  authorId?: number;
  templateRef?: string;
  /** What it is (absent: text). */
  content?: MessageContent;
  /** The message it quotes. */
  context?: ReplyContext;
  referral?: Referral;
  /** Free-form facts about it: the bot's messageKey; an aspirant's forwarded flags and marks (see InboundExtra). */
  extra?: Record<string, unknown>;
  media?: InboundMedia[];
}

/** What `extra` holds for an aspirant's message: the forwarded flags and the marks of parts not kept as sent. */
export interface InboundExtra {
  forwarded?: true;
  frequentlyForwarded?: true;
  marks?: PartMark[];
}

export type Effect =
  | { type: 'conversation.create'; whatsappName?: string }
  | { type: 'conversation.patch'; patch: ConversationPatch }
  /** `locale`: her language as her own words tell it (actors/conversation/language), before the form says it. */
  | { type: 'aspirant.patch'; whatsappName?: string; optedOut?: boolean; locale?: Locale; at: number }
  | { type: 'message.add'; message: NewMessage }
  | {
      type: 'message.status';
      match: { providerSid: string } | { messageId: number };
      status: DeliveryStatus;
      providerSid?: string;
      errorCode?: number;
      errorMessage?: string;
      /** Meta's pricing category, kept on the message whatever the status does (it is the same on every status). */
      pricingCategory?: string;
    }
  | { type: 'outbox.enqueue'; messageRef: string; body?: string; templateRef?: string; templateVariables?: Record<string, string> }
  | { type: 'media.record'; mediaId: number; stored?: Omit<MediaStored, 'type' | 'mediaId' | 'messageId' | 'messageKind'>; failed?: string }
  | { type: 'aspirant.profile'; profile: FormProfile; at: number }
  | { type: 'inbound.processed'; eventId: number }
  | { type: 'timer.schedule'; name: string; at: number }
  | { type: 'timer.cancel'; name: string /* '*' cancels every pending timer */ }
  | { type: 'timer.consumed'; timerId: number }
  | { type: 'note.add'; authorId: number; body: string }
  | { type: 'audit'; actorUserId: number; action: string; details: Record<string, unknown> }
  | DataRequestOpen;

/**
 * A data-subject request she made on WhatsApp (Law 1581 Arts. 14–15), opened by the bot's `privacy` keywords: one
 * `data_subject_requests` row (channel `whatsapp`, status `received`), unique on the message that opened it.
 * `receivedAt` epoch ms; `dueOn`/`tagDueOn` Bogotá days `YYYY-MM-DD` from server/privacy/deadlines `termsFor`.
 */
export interface DataRequestOpen {
  type: 'dataRequest.open';
  right: DataSubjectRight;
  category: 'query' | 'claim';
  /** Her message, as she wrote it. */
  text: string;
  sourceMessageSid: string;
  receivedAt: number;
  dueOn: string;
  tagDueOn?: string;
}
