/** @module actors/conversation/types — the conversation's state, the events it handles and the effects it asks for. */

import type { BotState } from '../bot/interpreter';
import type { ConversationStatus, DayPart, DeliveryStatus, Locale, MediaKind, ModelingType, Sender, Shift } from '../vocabulary';

// The vocabulary lives in actors/vocabulary; re-exported here for the modules that import the conversation's types.
export type { ConversationStatus, DayPart, DeliveryStatus, Locale, MediaKind, ModelingType, Sender, Shift };

export interface AspirantFacts {
  locale: Locale;
  firstName?: string;
  whatsappName?: string;
  hasKids?: boolean;
  formSubmitted: boolean;
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
}

export interface InboundMedia {
  url: string;
  contentType: string;
}

export interface InboundReceived {
  type: 'inbound.received';
  eventId: number;
  messageSid: string;
  profileName?: string;
  body: string;
  media: InboundMedia[];
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
  /** Unique per command (a UUIDv7): a commit retried after its answer was lost is recognised and not applied twice. */
  commandId?: string;
  userId: number;
  body?: string;
  contentSid?: string;
  contentVariables?: Record<string, string>;
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
  kind: MediaKind;
  contentType: string;
  size: number;
  blobKey: string;
  checksum: string;
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
  hasKids: boolean;
  preferredShift: Shift;
  unavailableShifts: DayPart[];
  notes?: string;
  locale: Locale;
  /** Confirmations required by Colombia's Law 1581 and the agency: always true in a valid submission. */
  isAdult: true;
  consent: true;
}

export interface FormSubmitted {
  type: 'form.submitted';
  eventId: number;
  submissionId: number;
  profile: FormProfile;
  submittedAt: number;
}

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
  | MediaFailed;

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

/** A message this event creates; `ref` lets later effects of the same event point at it before it has an id. */
export interface NewMessage {
  ref: string;
  sender: Sender;
  body: string;
  status: DeliveryStatus;
  providerSid?: string;
  authorId?: number;
  templateSid?: string;
  extra?: Record<string, unknown>;
  media?: InboundMedia[];
}

export type Effect =
  | { type: 'conversation.create'; whatsappName?: string }
  | { type: 'conversation.patch'; patch: ConversationPatch }
  | { type: 'aspirant.patch'; whatsappName?: string; optedOut?: boolean; at: number }
  | { type: 'message.add'; message: NewMessage }
  | { type: 'message.status'; match: { providerSid: string } | { messageId: number }; status: DeliveryStatus; providerSid?: string; errorCode?: number; errorMessage?: string }
  | { type: 'outbox.enqueue'; messageRef: string; body?: string; contentSid?: string; contentVariables?: Record<string, string> }
  | { type: 'media.record'; mediaId: number; stored?: Omit<MediaStored, 'type' | 'mediaId' | 'messageId'>; failed?: string }
  | { type: 'aspirant.profile'; profile: FormProfile; at: number }
  | { type: 'inbound.processed'; eventId: number }
  | { type: 'timer.schedule'; name: string; at: number }
  | { type: 'timer.cancel'; name: string /* '*' cancels every pending timer */ }
  | { type: 'timer.consumed'; timerId: number }
  | { type: 'note.add'; authorId: number; body: string }
  | { type: 'audit'; actorUserId: number; action: string; details: Record<string, unknown> };
