/** @module views/inbox/types — the plain data the inbox views render; the server's queries fill these (Dates as Date). */
import type { MessageContent } from '../../actors/conversation/message-kinds';
import type { ConversationStatus, DayPart, DeliveryStatus, InboxScope, Locale, MediaKind, MediaState, MessageKind, ModelingType, Role, Sender, Shift } from '../../actors/vocabulary';

export type { ConversationStatus, DeliveryStatus, Sender };

export interface PersonRef {
  id: number;
  name: string;
}

export interface ConversationRowView {
  id: number;
  /** firstName lastName, or the WhatsApp name, or `contact` (views/inbox/contact `personName`). */
  name: string;
  /** Her number, else `@username`, else her profile name, else her masked BSUID (views/inbox/contact `contactLabel`). */
  contact: string;
  preview: string;
  lastMessageAt: Date;
  unread: number;
  status: ConversationStatus;
  assignee?: PersonRef;
  optedOut: boolean;
  /** Since when the aspirant waits for our answer (her first message since our side last wrote); null: nobody waits. */
  waitingSince: Date | null;
  /** Whether the last message is the aspirant's (else ours: a recruiter's or the bot's). */
  lastFromAspirant: boolean;
  /** When WhatsApp's 24-hour customer-service window closes (or closed): 24 h after her last message; null before she wrote. */
  windowClosesAt: Date | null;
}

export type MediaKindView = MediaKind;

export interface MediaView {
  id: number;
  kind?: MediaKindView;
  contentType?: string;
  state: MediaState;
  error?: string;
  /** Bytes, once stored. */
  size?: number;
  /** A minor's photo or video before her guardian authorised (server/privacy/minor-photos): a placeholder is shown. */
  held?: boolean;
}

/** A contact card's name and numbers, read from its vCard (views/inbox/contact-cards). */
export interface ContactCardView {
  name: string;
  phones: { number: string; /** What a tel: link dials: + and digits only. */ dial: string }[];
}

/** The message a reply quotes, when it is ours to show (queries/messages referredMessages). */
export interface QuotedView {
  sender: Sender;
  kind: MessageKind;
  body: string;
}

export interface MessageView {
  id: number;
  sender: Sender;
  /** The recruiter who wrote it (sender 'recruiter'). */
  authorName?: string;
  body: string;
  createdAt: Date;
  status: DeliveryStatus;
  errorCode?: number;
  errorMessage?: string;
  media: MediaView[];
  /** What it is, with its kind's fields (actors/conversation/message-kinds); a plain text (or its files' kind) when absent. */
  content?: MessageContent;
  /** A reply's quoted message: found, or `null` when it is not ours to show (older than the inbox); absent: no reply. */
  quoted?: QuotedView | null;
  /** The reactions to it, one per person, her latest (a reaction taken back is gone). */
  reactions?: { sender: Sender; emoji: string }[];
  /** A contact message's cards, once its vCard is stored and read. */
  cards?: ContactCardView[];
}

/**
 * What the aspirant's form said; every field optional because the form may not be submitted yet. Her sensitive answers
 * (children, measurements) are not here: the panel is pushed to every reader, so they load per reader
 * (views/privacy/consent-sensitive).
 */
export interface ProfileView {
  firstName?: string;
  lastName?: string;
  email?: string;
  location?: string;
  preferredModelingTypes?: ModelingType[];
  preferredShift?: Shift;
  unavailableShifts?: DayPart[];
  notes?: string;
  locale?: Locale;
  formSubmittedAt?: Date;
}

export interface NoteView {
  id: number;
  authorName: string;
  body: string;
  createdAt: Date;
}

export interface EventView {
  at: Date;
  /** The conversation event's type (e.g. inbound.received); the view names it in the reader's language. */
  type: string;
  /** The user who did it (assignments, status changes, notes, resuming the bot). */
  by?: string;
  /** What a status change moved to. */
  status?: ConversationStatus;
  /** Whom an assignment moved to: a name, or null for nobody (unassigned). */
  assignee?: string | null;
}

export interface AspirantPanelView {
  conversationId: number;
  /** Her number, else `@username`, else her profile name, else her masked BSUID (views/inbox/contact `contactLabel`). */
  contact: string;
  /** Her number (E.164), when known: a WhatsApp user with a username may hide it. */
  phone?: string;
  /** Her WhatsApp username, without the `@`. */
  username?: string;
  /** Her business-scoped user id (`CO.1502576394655843`), when a provider sent one. */
  bsuid?: string;
  whatsappName?: string;
  profile?: ProfileView;
  optedOutAt?: Date;
  photos: { mediaId: number }[];
  /** Her photos are held until her guardian authorises (server/privacy/minor-photos): the card says so instead. */
  photosHeld?: boolean;
  bot: { script?: string; step?: string; paused: boolean };
  status: ConversationStatus;
  assignee?: PersonRef;
  /** Everyone the conversation can be assigned to (the assignee selector's options). */
  recruiters: PersonRef[];
  notes: NoteView[];
  events: EventView[];
  /** The click-to-WhatsApp ad that brought her (her first message that says so). */
  referral?: { headline?: string; sourceUrl?: string };
}

export interface ViewerView {
  id: number;
  name: string;
  role: Role;
  csrf: string;
}

export type Scope = InboxScope;

export interface InboxFilters {
  /** A status, or `waiting`: conversations whose aspirant waits for our answer, longest wait first. */
  status?: ConversationStatus | 'waiting';
  scope: Scope;
  q?: string;
}

export interface SessionWindow {
  open: boolean;
  /** When the 24-hour customer-service window closes (or closed). */
  closesAt?: Date;
}

/** An approved template as the composer offers it to one aspirant (server/services/template-reply templateViews). */
export interface TemplateView {
  /** What the form posts as `templateRef`: `HX…` (Twilio) or `name:language` (Meta). */
  ref: string;
  name: string;
  /** `es`, `es_CO`; '' when unknown (a TWILIO_TEMPLATES entry). */
  language: string;
  /** The body with its placeholders (`Hola {{1}}`): shown with an input in each. */
  body: string;
  /** Each placeholder in order with the value it starts with (her first name, or '' for the recruiter to type). */
  variables: { name: string; value: string }[];
}

export interface CannedView {
  id: number;
  title: string;
  body: string;
}

/** An event of this conversation that failed every retry (server/conversations/dead-letters), until an admin retries it. */
export interface DeadLetterView {
  id: number;
  /** The event's type, e.g. inbound.received. */
  type: string;
  error: string;
  at: Date;
}

export interface OpenConversationView {
  conversation: AspirantPanelView;
  /** Open dead letters, newest first; absent or empty when there are none. */
  deadLetters?: DeadLetterView[];
  messages: MessageView[];
  olderCursor?: string;
  window: SessionWindow;
  templates: TemplateView[];
  canned: CannedView[];
}

export interface PresenceView {
  userId?: number;
  name: string;
  typing: boolean;
}
