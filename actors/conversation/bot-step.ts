/** @module actors/conversation/bot-step — runs the pinned bot script for one event and turns its actions into effects. */
import { initialBotState, interpret, renderMessage, type BotAction, type BotEvent, type BotFacts, type BotState } from '../bot/interpreter';
import type { BotScript } from '../bot/script';
import { firstCharacters } from './characters';
import { windowOpen } from './rules';
import type { ConversationState, Effect } from './types';
import type { DataSubjectRight, Locale } from '../vocabulary';

/** What decide() needs from outside to run the bot, resolved by the shell before the call (so decide stays pure). */
export interface BotContext {
  /** The script this conversation is pinned to, or for a new one the active version. */
  script?: { ref: string; script: BotScript };
  /** The aspirant's personal form link at `now` (signed, expiring). */
  formLink(aspirantId: number, now: number): string;
  /** The agency's name as configured now (AGENCY_NAME): the bot's {agencyName}. */
  agencyName: string;
  /**
   * The privacy notice in force now (Decree 1377 Art. 13): its version, public address, and the line that links it
   * in each language (the URL in it), which ./notice-link adds to her next message when she authorised an older one.
   * Absent: not tracked (tests, replays of old data) — no message links one.
   */
  notice?: { version: number; url: string; text: Record<Locale, string> };
  /**
   * The legal terms of a request received at `receivedAt` (epoch ms): server/privacy/deadlines `termsFor`, passed in
   * because the actors import no server code. Absent: the bot opens no data-subject requests.
   */
  requestTerms?: (right: DataSubjectRight, receivedAt: number) => { category: 'query' | 'claim'; dueOn: string; tagDueOn?: string };
  /**
   * When she already has a request of `right` open: the answer that says so, with its due day, in `locale`
   * (server/privacy/requests-bot botOpenRequests). Her message then opens nothing and that answer replaces the
   * script's. Absent or undefined: none open.
   */
  alreadyOpen?: (right: DataSubjectRight, locale: Locale) => string | undefined;
}

export interface BotOutcome {
  state: ConversationState;
  effects: Effect[];
}

/**
 * The request her message opens (Law 1581 Arts. 14–15), with the terms of its right from the day she wrote; nothing
 * without the server's terms or her message's id (the unique key that keeps it to one request per message).
 */
function requestEffect(right: DataSubjectRight, event: BotEvent, ctx: BotContext): Effect[] {
  if (event.type !== 'inbound.received' || !event.messageSid || !ctx.requestTerms) return [];
  const receivedAt = event.receivedAt ?? 0;
  const terms = ctx.requestTerms(right, receivedAt);
  return [{ type: 'dataRequest.open', right, category: terms.category, text: event.body, sourceMessageSid: event.messageSid, receivedAt, dueOn: terms.dueOn, tagDueOn: terms.tagDueOn }];
}

/** A Bogotá day (`YYYY-MM-DD`) as her language writes it: "17 de diciembre de 2026", "December 17, 2026". */
export function spokenDay(day: string, locale: Locale): string {
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'es-CO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return format.format(new Date(`${day}T12:00:00Z`));
}

function toEffects(state: ConversationState, actions: BotAction[], now: number, event: BotEvent, ctx: BotContext): { state: ConversationState; effects: Effect[] } {
  const effects: Effect[] = [];
  let next = state;
  let sent = 0;
  // The answer to a request she already has open, replacing the script's answer that follows its dataRequest action.
  let already: string | undefined;
  for (const action of actions) {
    switch (action.type) {
      case 'send': {
        const text = already ?? action.text;
        already = undefined;
        // Bot messages follow the same rules as a recruiter's: nothing to an opted-out aspirant, no free text outside 24 h.
        if (next.optedOut || !windowOpen(next.lastInboundAt, now)) break;
        const ref = `bot${sent++}`;
        effects.push({ type: 'message.add', message: { ref, sender: 'bot', body: text, status: 'queued', extra: { messageKey: action.messageKey } } });
        effects.push({ type: 'outbox.enqueue', messageRef: ref, body: text });
        // Any message of ours ends the aspirant's wait, the bot's too (a welcome, an FAQ answer, a reminder).
        next = { ...next, waitingSince: null };
        effects.push({ type: 'conversation.patch', patch: { lastMessageAt: now, lastMessagePreview: firstCharacters(text, 120), waitingSince: null } });
        break;
      }
      case 'status':
      case 'handoff':
        next = { ...next, status: action.status };
        effects.push({ type: 'conversation.patch', patch: { status: action.status } });
        break;
      case 'schedule':
        effects.push({ type: 'timer.schedule', name: action.timer, at: action.at });
        break;
      case 'cancel':
        effects.push({ type: 'timer.cancel', name: action.timer });
        break;
      case 'dataRequest':
        already = ctx.alreadyOpen?.(action.right, state.facts.locale);
        if (already === undefined) effects.push(...requestEffect(action.right, event, ctx));
        break;
      case 'stop':
        break;
    }
  }
  return { state: next, effects };
}

function botFacts(state: ConversationState, aspirantId: number, ctx: BotContext, now: number, event?: BotEvent): BotFacts {
  const { requestTerms } = ctx;
  const receivedAt = event?.type === 'inbound.received' ? (event.receivedAt ?? now) : now;
  return {
    minor: state.facts.minor,
    guardianAuthorised: state.facts.guardianAuthorised,
    photosAuthorised: state.facts.photosAuthorised,
    dueDate: requestTerms && ((right) => spokenDay(requestTerms(right, receivedAt).dueOn, state.facts.locale)),
    locale: state.facts.locale,
    firstName: state.facts.firstName,
    whatsappName: state.facts.whatsappName,
    hasKids: state.facts.hasKids,
    formSubmitted: state.facts.formSubmitted,
    formLink: ctx.formLink(aspirantId, now),
    agencyName: ctx.agencyName,
  };
}

/**
 * The script's message `key` for this aspirant (her language, her name), or null when there is no script or it has no
 * such message: for the texts the conversation sends itself (the opt-out and opt-in notices), not a step.
 */
export function scriptMessage(state: ConversationState, key: string, ctx: BotContext | undefined, now: number): string | null {
  const pinned = ctx?.script;
  if (!pinned || state.aspirantId === null) return null;
  return renderMessage(pinned.script, key, botFacts(state, state.aspirantId, ctx, now));
}

/** Feeds one event to the bot; a conversation without a script (none published) simply has no bot. */
export function botStep(state: ConversationState, event: BotEvent, ctx: BotContext | undefined, now: number): BotOutcome {
  const pinned = ctx?.script;
  if (!pinned || state.aspirantId === null) return { state, effects: [] };
  const current: BotState = state.bot ?? initialBotState(pinned.script);
  const result = interpret(current, event, pinned.script, botFacts(state, state.aspirantId, ctx, now, event), now);
  const withBot: ConversationState = { ...state, bot: result.state, script: pinned.ref };
  const { state: next, effects } = toEffects(withBot, result.actions, now, event, ctx);
  const pin = state.script === pinned.ref ? {} : { botScript: pinned.ref };
  effects.push({ type: 'conversation.patch', patch: { botState: result.state, botPaused: result.state.paused, ...pin } });
  return { state: { ...next, botPaused: result.state.paused }, effects };
}
