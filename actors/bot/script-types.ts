/** @module actors/bot/script-types — the validated, JSON-serialisable shape of a bot script and the vocabulary it may use. */
import type { ConversationStatus, DataSubjectRight, Locale, Shift } from '../vocabulary';

/**
 * Events a step can react to; `recruiter.replied` and `bot.resumed` also pause and resume the bot. `photo.received` and
 * `file.received` come once a file she sent is downloaded and its bytes are known: a photo (image bytes, not a
 * sticker), or any other file (a sticker, a PDF, a voice note, bytes declared image/* that are not one).
 * `guardian.authorised` and `guardian.declined`: a minor's guardian decided (Decree 1377 Art. 12).
 */
export const SCRIPT_EVENTS = [
  'inbound.received',
  'form.submitted',
  'photo.received',
  'file.received',
  'timer.fired',
  'recruiter.replied',
  'bot.resumed',
  'guardian.authorised',
  'guardian.declined',
] as const;
export type ScriptEvent = (typeof SCRIPT_EVENTS)[number];

/** Statuses the bot may set: `archived` is a recruiter's decision, never the bot's. */
export const BOT_STATUSES = ['new', 'open', 'pending_form', 'pending_photo', 'needs_attention', 'closed'] as const satisfies readonly ConversationStatus[];
export type BotStatus = (typeof BOT_STATUSES)[number];
export const HANDOFF_STATUSES = ['needs_attention', 'open'] as const satisfies readonly BotStatus[];
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** Variables every script may use without declaring them; their values come from the aspirant. */
export const BUILTIN_VARIABLES = ['firstName', 'whatsappName', 'formLink'] as const;
/**
 * Variables only a `privacy` answer has a value for: the last day to answer her request, written out in her language
 * ("17 de diciembre de 2026", "December 17, 2026"). Anywhere else they render empty, so the checker refuses them there.
 */
export const PRIVACY_VARIABLES = ['dueDate'] as const;
/**
 * Variables every script may use without declaring them whose values come from the deployment (AGENCY_NAME), read
 * when each message is written; a script that declares one too (versions published before) is overridden.
 */
export const DEPLOYMENT_VARIABLES = ['agencyName'] as const;

/** What a neutral greeting word falls back to when the script does not say. */
export const DEFAULT_NAME_FALLBACK: Record<Locale, string> = { es: 'hola', en: 'there' };
export const DEFAULT_MAX_REMINDERS = 2;

/** Facts a condition may test. Every listed field must equal (or be one of) the given value; an unknown fact never matches. */
export interface Condition {
  hasKids?: boolean;
  formSubmitted?: boolean;
  /** Under 18 by her form (Decree 1377 Art. 12). */
  minor?: boolean;
  /** Her guardian authorised. */
  guardianAuthorised?: boolean;
  /** Her form authorised her photos (Law 1581 Arts. 5–6); a form from before the consent ledger counts as yes. */
  photosAuthorised?: boolean;
  locale?: Locale[];
  preferredShift?: Shift[];
}

/** One wording of a message; the first variant whose condition holds is sent. */
export interface MessageVariant {
  if?: Condition;
  text: Partial<Record<Locale, string>>;
}

export type ScriptAction =
  | { type: 'send'; message: string }
  /** Like send, but counted: no more than the script's maxReminders are ever sent per conversation. */
  | { type: 'remind'; message: string }
  | { type: 'status'; status: BotStatus }
  | { type: 'schedule'; timer: string; afterMs: number }
  /** '*' cancels every timer. */
  | { type: 'cancel'; timer: string }
  | { type: 'handoff'; status: HandoffStatus }
  | { type: 'stop' };

/** Keywords per locale; '*' holds keywords that apply whatever the aspirant's language. */
export type Keywords = Partial<Record<Locale | '*', string[]>>;

export interface Transition {
  /** inbound.received only: the text must contain one of these whole words or phrases. */
  keywords?: Keywords;
  /** inbound.received only: a case-insensitive regular expression the text must match. */
  regex?: string;
  /** inbound.received only: whether the message must (true) or must not (false) carry media. */
  media?: boolean;
  /** inbound.received only: answer matching FAQ entries after this transition's own messages. */
  alsoAnswerFaq?: boolean;
  /** timer.fired only: which timer. */
  timer?: string;
  if?: Condition;
  actions: ScriptAction[];
  goto?: string;
}

export interface Step {
  /** Whether FAQ entries are answered in this step (default true). */
  faq: boolean;
  on: Partial<Record<ScriptEvent, Transition[]>>;
}

export interface FaqEntry {
  id: string;
  keywords: Keywords;
  /** Message key of the answer. */
  answer: string;
}

/**
 * A data-subject right she can exercise by writing to the bot (Law 1581 Art. 8): when her message has one of the
 * keywords, a request is opened (never twice for one message) and `answer` acknowledges it with its {dueDate}.
 */
export interface PrivacyEntry {
  right: DataSubjectRight;
  keywords: Keywords;
  /** Message key of the acknowledgement. */
  answer: string;
}

export interface BotScript {
  name: string;
  description?: string;
  locales: Locale[];
  defaultLocale: Locale;
  /** Script-wide values such as agencyName, usable as {agencyName} in any message. */
  variables: Record<string, string>;
  /** The word that stands in for a missing {firstName}/{whatsappName}, per locale. */
  nameFallback: Record<Locale, string>;
  maxReminders: number;
  /** Timer name → delay in ms. */
  timers: Record<string, number>;
  messages: Record<string, MessageVariant[]>;
  faq: FaqEntry[];
  /** Checked before the FAQ at every step, in the order written: the first entry whose keywords match opens its request. */
  privacy?: PrivacyEntry[];
  start: string;
  steps: Record<string, Step>;
}

export interface ScriptProblem {
  /** Where in the script, e.g. steps.awaiting_form.on.timer.fired[0].actions[1].send */
  path: string;
  /** 1-based, when the YAML node (or its nearest parent) exists. */
  line?: number;
  column?: number;
  message: string;
}
