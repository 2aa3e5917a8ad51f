/** @module actors/bot/interpreter — interpret(state, event, script, facts, now) → { state, actions }: pure and deterministic, so a conversation can be replayed. */
import type { DataSubjectRight, Locale, Shift } from '../vocabulary';
import type { BotScript, BotStatus, Condition, HandoffStatus, ScriptAction, Step, Transition } from './script-types';
import { containsKeyword, renderTemplate, words } from './text';
import { regexMatches } from './regex';

/** Per conversation, stored beside the id of the script version it started with. */
export interface BotState {
  step: string;
  /** A recruiter replied: the bot stays silent until a recruiter resumes it. */
  paused: boolean;
  /** The script ran a `stop` action: the bot never acts again in this conversation. */
  stopped: boolean;
  /** Reminders sent so far; `remind` actions are skipped once it reaches the script's maxReminders. */
  remindersSent?: number;
  /**
   * The message whose files last moved the bot (`file.received`): one message with ten files that are not the photo
   * gets one answer, not ten.
   */
  lastFileMessageId?: number;
}

export type BotEvent =
  /** `messageSid` and `receivedAt` (epoch ms) name her message for a request it opens; the interpreter reads neither. */
  | { type: 'inbound.received'; body: string; hasMedia: boolean; messageSid?: string; receivedAt?: number }
  | { type: 'form.submitted' }
  | { type: 'photo.received' }
  | { type: 'file.received'; messageId: number }
  | { type: 'timer.fired'; timer: string }
  | { type: 'recruiter.replied' }
  | { type: 'bot.resumed' }
  | { type: 'guardian.authorised' }
  | { type: 'guardian.declined' };

/** What the bot may know about the aspirant when the event happens (for form.submitted: the profile just submitted). */
export interface BotFacts {
  locale: Locale;
  firstName?: string;
  whatsappName?: string;
  hasKids?: boolean;
  preferredShift?: Shift;
  formLink: string;
  formSubmitted: boolean;
  minor?: boolean;
  guardianAuthorised?: boolean;
  /** Her latest form's `photos` box (undefined: unknown, which counts as authorised; see `holds`). */
  photosAuthorised?: boolean;
  /**
   * The last day to answer a request her message opens, as {dueDate} says it (privacy answers only): given by the
   * caller per right, because the deadline is the server's rule (server/privacy/deadlines).
   */
  dueDate?: (right: DataSubjectRight) => string;
  /**
   * The agency's name as the deployment sets it now (AGENCY_NAME), read when each message is written: it stands
   * for {agencyName} in every script, over any value a script declares.
   */
  agencyName: string;
}

export type BotAction =
  | { type: 'send'; text: string; messageKey: string }
  | { type: 'status'; status: BotStatus }
  | { type: 'schedule'; timer: string; at: number }
  | { type: 'cancel'; timer: string }
  | { type: 'handoff'; status: HandoffStatus }
  | { type: 'stop' }
  /** Her message exercises a data-subject right: open the request (its acknowledgement is the `send` that follows). */
  | { type: 'dataRequest'; right: DataSubjectRight };

export interface BotDecision {
  state: BotState;
  actions: BotAction[];
}

interface Run {
  script: BotScript;
  facts: BotFacts;
  now: number;
}

const EMPTY_STEP: Step = { faq: true, on: {} };

export function initialBotState(script: BotScript): BotState {
  return { step: script.start, paused: false, stopped: false, remindersSent: 0 };
}

function stepOf(script: BotScript, name: string): Step {
  // A step missing from the script (state from another version) acts like an empty step rather than failing.
  return Object.hasOwn(script.steps, name) ? (script.steps[name] as Step) : EMPTY_STEP;
}

export function holds(condition: Condition | undefined, facts: BotFacts): boolean {
  if (!condition) return true;
  if (condition.hasKids !== undefined && facts.hasKids !== condition.hasKids) return false;
  if (condition.formSubmitted !== undefined && facts.formSubmitted !== condition.formSubmitted) return false;
  // Unknown counts as no: a conversation from before the form asked her birth date is not a minor's.
  if (condition.minor !== undefined && (facts.minor ?? false) !== condition.minor) return false;
  if (condition.guardianAuthorised !== undefined && (facts.guardianAuthorised ?? false) !== condition.guardianAuthorised) return false;
  // Unknown counts as yes: forms from before the consent ledger had no `photos` box and asked every adult for a photo.
  if (condition.photosAuthorised !== undefined && (facts.photosAuthorised ?? true) !== condition.photosAuthorised) return false;
  if (condition.locale && !condition.locale.includes(facts.locale)) return false;
  if (condition.preferredShift && (facts.preferredShift === undefined || !condition.preferredShift.includes(facts.preferredShift))) return false;
  return true;
}

function localeFor(script: BotScript, facts: BotFacts): Locale {
  return script.locales.includes(facts.locale) ? facts.locale : script.defaultLocale;
}

function variableValues(script: BotScript, facts: BotFacts, locale: Locale, extra: Record<string, string>): Record<string, string> {
  const neutral = script.nameFallback[locale] ?? '';
  const firstName = facts.firstName?.trim() || facts.whatsappName?.trim() || neutral;
  return { ...script.variables, agencyName: facts.agencyName, firstName, whatsappName: facts.whatsappName?.trim() || neutral, formLink: facts.formLink, ...extra };
}

/**
 * The first variant whose condition holds, in the aspirant's locale (or the script's default); null for an unknown key.
 * `extra`: values only some messages have (a privacy answer's {dueDate}).
 */
export function renderMessage(script: BotScript, key: string, facts: BotFacts, extra: Record<string, string> = {}): string | null {
  if (!Object.hasOwn(script.messages, key)) return null;
  const variant = script.messages[key]?.find((candidate) => holds(candidate.if, facts));
  if (!variant) return null;
  const locale = localeFor(script, facts);
  const text = variant.text[locale] ?? variant.text[script.defaultLocale] ?? Object.values(variant.text)[0];
  return text === undefined ? null : renderTemplate(text, variableValues(script, facts, locale, extra));
}

function send(run: Run, key: string, extra?: Record<string, string>): BotAction[] {
  const text = renderMessage(run.script, key, run.facts, extra);
  return text === null ? [] : [{ type: 'send', text, messageKey: key }];
}

function perform(run: Run, state: BotState, action: ScriptAction): BotAction[] {
  switch (action.type) {
    case 'send':
      return send(run, action.message);
    case 'remind': {
      const sent = state.remindersSent ?? 0;
      if (sent >= run.script.maxReminders) return [];
      state.remindersSent = sent + 1;
      return send(run, action.message);
    }
    case 'status':
      return [{ type: 'status', status: action.status }];
    case 'schedule':
      return [{ type: 'schedule', timer: action.timer, at: run.now + action.afterMs }];
    case 'cancel':
      return [{ type: 'cancel', timer: action.timer }];
    case 'handoff':
      return [{ type: 'handoff', status: action.status }];
    case 'stop':
      state.stopped = true;
      return [{ type: 'stop' }];
  }
}

/** Runs a transition's actions in order (nothing after a stop) and moves to its goto step. */
function apply(run: Run, state: BotState, transition: Transition): BotDecision {
  const next: BotState = { ...state };
  const actions: BotAction[] = [];
  for (const action of transition.actions) {
    if (next.stopped) break;
    actions.push(...perform(run, next, action));
  }
  if (transition.goto !== undefined) next.step = transition.goto;
  return { state: next, actions };
}

function applyFirst(run: Run, state: BotState, transitions: Transition[] | undefined, matches: (t: Transition) => boolean): BotDecision {
  const chosen = transitions?.find((transition) => matches(transition) && holds(transition.if, run.facts));
  return chosen ? apply(run, state, chosen) : { state, actions: [] };
}

/** Keywords of every locale count: an aspirant may write in a language the bot does not know yet they speak. */
function anyKeyword(keywords: Transition['keywords'], textWords: readonly string[]): boolean {
  return Object.values(keywords ?? {}).some((list) => list?.some((keyword) => containsKeyword(textWords, keyword)));
}

function faqAnswers(run: Run, textWords: readonly string[]): BotAction[] {
  const keys = run.script.faq.filter((entry) => anyKeyword(entry.keywords, textWords)).map((entry) => entry.answer);
  return [...new Set(keys)].flatMap((key) => send(run, key));
}

/**
 * A transition with keywords or a regex that matches wins outright. Otherwise matching FAQ entries are answered and the
 * step stays put — unless the step's catch-all transition says alsoAnswerFaq, in which case it runs first.
 */
function onInbound(run: Run, state: BotState, event: Extract<BotEvent, { type: 'inbound.received' }>): BotDecision {
  const step = stepOf(run.script, state.step);
  const textWords = words(event.body);
  const applicable = (step.on['inbound.received'] ?? []).filter((transition) => {
    if (transition.media !== undefined && transition.media !== event.hasMedia) return false;
    if (transition.keywords && !anyKeyword(transition.keywords, textWords)) return false;
    if (transition.regex !== undefined && !regexMatches(transition.regex, event.body)) return false;
    return holds(transition.if, run.facts);
  });
  const explicit = applicable.find((transition) => transition.keywords !== undefined || transition.regex !== undefined);
  const chosen = explicit ?? applicable[0];
  const faq = step.faq ? faqAnswers(run, textWords) : [];
  if (faq.length === 0) return chosen ? apply(run, state, chosen) : { state, actions: [] };
  if (!chosen || (!explicit && !chosen.alsoAnswerFaq)) return { state, actions: faq };
  const decision = apply(run, state, chosen);
  if (!chosen.alsoAnswerFaq || decision.state.stopped) return decision;
  return { state: decision.state, actions: [...decision.actions, ...faq] };
}

/**
 * Her message exercises a data-subject right (Law 1581 Art. 8) when it has a `privacy` entry's keywords: the first entry
 * that matches, in the order written (so "borrar mis datos" is listed before "mis datos"), opens its request and its
 * answer acknowledges it. Null when none matches, or the caller cannot open requests (no `dueDate`).
 */
function privacyRequest(run: Run, body: string): BotAction[] | null {
  const dueDate = run.facts.dueDate;
  if (!dueDate) return null;
  const entry = privacyEntryFor(run.script, body);
  if (!entry) return null;
  return [{ type: 'dataRequest', right: entry.right }, ...send(run, entry.answer, { dueDate: dueDate(entry.right) })];
}

/** The script's first `privacy` entry whose keywords her message has (whole words; case and accents ignored), if any. */
export function privacyEntryFor(script: BotScript, body: string): NonNullable<BotScript['privacy']>[number] | undefined {
  if (!script.privacy?.length) return undefined;
  const textWords = words(body);
  return script.privacy.find((candidate) => anyKeyword(candidate.keywords, textWords));
}

/**
 * Feeds one event to the script. A message that exercises a data-subject right is answered at every step, even while a
 * recruiter has the conversation (the bot is paused): the law's terms run from its receipt, whoever reads it. The step
 * stays where it was.
 */
export function interpret(state: BotState, event: BotEvent, script: BotScript, facts: BotFacts, now: number): BotDecision {
  const idle: BotDecision = { state, actions: [] };
  if (state.stopped) return idle;
  const run: Run = { script, facts, now };
  if (event.type === 'inbound.received') {
    const request = privacyRequest(run, event.body);
    if (request) return { state, actions: request };
  }
  const on = stepOf(script, state.step).on;
  if (event.type === 'bot.resumed') {
    return state.paused ? applyFirst(run, { ...state, paused: false }, on['bot.resumed'], () => true) : idle;
  }
  if (state.paused) return idle;
  switch (event.type) {
    case 'inbound.received':
      return onInbound(run, state, event);
    case 'recruiter.replied': {
      const decision = applyFirst(run, state, on['recruiter.replied'], () => true);
      return { state: { ...decision.state, paused: true }, actions: decision.actions };
    }
    case 'timer.fired':
      return applyFirst(run, state, on['timer.fired'], (transition) => transition.timer === undefined || transition.timer === event.timer);
    case 'form.submitted':
    case 'photo.received':
    case 'guardian.authorised':
    case 'guardian.declined':
      return applyFirst(run, state, on[event.type], () => true);
    case 'file.received': {
      if (state.lastFileMessageId === event.messageId) return { state, actions: [] };
      const decision = applyFirst(run, state, on[event.type], () => true);
      return { state: { ...decision.state, lastFileMessageId: event.messageId }, actions: decision.actions };
    }
  }
}
