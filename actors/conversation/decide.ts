/** @module actors/conversation/decide — decide(state, event, now, bot) → { state, effects, reply? }: pure, so every transition can be tested and replayed. */
import type { BotEvent } from '../bot/interpreter';
import { isTerminal, type Locale } from '../vocabulary';
import { charCount, fitsInOneMessage, MAX_BODY_CHARS } from './body-limit';
import { botStep, scriptMessage, type BotContext } from './bot-step';
import { inboundMessage, inboundParts } from './inbound-message';
import { languageOf } from './language';
import { noticeFacts, withNoticeLink } from './notice-link';
import { DEFAULT_OPT_NOTICES, optNoticeFor, type OptNotice } from './opt-notice';
import { isOptIn, isOptOut, preview, windowClosesAt, windowOpen } from './rules';
import type {
  ConversationEvent,
  ConversationState,
  ConversationStatus,
  Effect,
  FormSubmitted,
  GuardianDecision,
  InboundParts,
  InboundReceived,
  MediaStored,
  OutboxFailed,
  RecruiterReplied,
  ReplyResult,
  StatusReceived,
} from './types';

export type { BotContext };

/** The next state, the effects to commit, and for a command that answers its caller (a recruiter's reply) the answer. */
export interface Decision {
  state: ConversationState;
  effects: Effect[];
  /** Set for `recruiter.replied` only: a refusal (no effects), or `{ ok: true }` to which the actor adds the messageId. */
  reply?: ReplyResult;
}

export function initialState(key: string): ConversationState {
  return {
    key,
    conversationId: null,
    aspirantId: null,
    script: null,
    bot: null,
    facts: { locale: 'es', formSubmitted: false },
    status: 'new',
    lastInboundAt: null,
    waitingSince: null,
    optedOut: false,
    botPaused: false,
    assigneeId: null,
  };
}

/** Runs the bot after the conversation's own effects, appending its effects. */
function withBot(decision: Decision, event: BotEvent, bot: BotContext | undefined, now: number): Decision {
  const step = botStep(decision.state, event, bot, now);
  return { ...decision, state: step.state, effects: [...decision.effects, ...step.effects] };
}

/**
 * What her message is to the bot: text (typed, a caption, a button's title) with whether files came with it, whatever
 * its kind — a first photo, voice note or pin gets the welcome like a first "hola". Whether a file is the requested
 * photo is known only once its bytes are (`media.stored`). A reaction is nothing to the bot.
 */
function botEventFor(parts: InboundParts, event: InboundReceived): BotEvent | null {
  if (parts.content.kind === 'reaction') return null;
  return { type: 'inbound.received', body: parts.body, hasMedia: parts.media.length > 0, messageSid: event.messageSid, receivedAt: event.receivedAt };
}

/**
 * A stored file moves the bot by what its bytes are (the media worker sniffs them): an image is the photo, unless her
 * message was a sticker (image bytes, not a photo of her); anything else is `file.received`. A photo sent as a
 * document (WhatsApp's way to send one uncompressed) is an image by its bytes, so it counts. An event without the
 * message's kind was written before files moved the bot (its message had moved it on arrival): it moves nothing.
 */
function botEventForFile(event: MediaStored): BotEvent | null {
  if (event.messageKind === undefined) return null;
  return event.kind === 'image' && event.messageKind !== 'sticker' ? { type: 'photo.received' } : { type: 'file.received', messageId: event.messageId };
}

/**
 * When the aspirant waits after her message (epoch ms, or null: nobody waits). Her first message since our side last
 * wrote starts the wait at its time; later ones keep that time. Opting out (STOP, BAJA, …) ends the wait and a
 * message while she stays opted out starts none: nothing may be sent to her, so nobody can answer. START and ALTA are
 * instructions, not questions: they keep whatever wait there was and start none.
 */
function waitAfterInbound(state: ConversationState, event: InboundReceived, instruction: boolean, optedOut: boolean): number | null {
  if (optedOut) return null;
  if (instruction) return state.waitingSince;
  return state.waitingSince ?? event.receivedAt;
}

/**
 * The status after the aspirant's message. A closed or archived conversation comes back to the inbox: as
 * needs_attention when a recruiter has taken over (the bot is paused: only a person will answer), else open. An open
 * conversation a recruiter took over needs attention again when she writes after the reply. `asks` is false for an
 * opt-out or opt-in word and for a message we may not answer (opted out): it reopens as open and raises nothing. Every
 * other status stays (new, needs_attention, and the bot's pending_form and pending_photo).
 */
function statusAfterInbound(state: ConversationState, asks: boolean): ConversationStatus {
  const reopened = state.status === 'closed' || state.status === 'archived';
  if (asks && state.botPaused && (reopened || state.status === 'open')) return 'needs_attention';
  return reopened ? 'open' : state.status;
}

/**
 * Her language from her own words, until the form says it: Spanish by default, English once she writes English
 * (./language). A message that does not tell (a photo, "ok", an emoji) keeps it.
 */
function localeAfter(state: ConversationState, body: string): Locale {
  if (state.facts.formSubmitted) return state.facts.locale;
  return languageOf(body) ?? state.facts.locale;
}

/** The opt-out or opt-in notice as our message: the script's words in her language, else the built-in ones. */
function noticeEffects(state: ConversationState, notice: OptNotice, bot: BotContext | undefined, now: number): Effect[] {
  if (!windowOpen(state.lastInboundAt, now)) return [];
  const text = scriptMessage(state, notice, bot, now) ?? DEFAULT_OPT_NOTICES[notice][state.facts.locale];
  return [
    { type: 'message.add', message: { ref: 'notice', sender: 'bot', body: text, status: 'queued', extra: { messageKey: notice, notice } } },
    { type: 'outbox.enqueue', messageRef: 'notice', body: text },
    { type: 'conversation.patch', patch: { lastMessageAt: now, lastMessagePreview: preview(text) } },
  ];
}

function onInbound(state: ConversationState, event: InboundReceived, bot: BotContext | undefined, now: number): Decision {
  const effects: Effect[] = [];
  if (state.conversationId === null) effects.push({ type: 'conversation.create', whatsappName: event.profileName });
  const parts = inboundParts(event);
  // A reaction is not a question: it starts no wait, is not unread and does not move the bot.
  const reaction = parts.content.kind === 'reaction';
  let optedOut = state.optedOut;
  const stopWord = isOptOut(event.body);
  const startWord = !stopWord && isOptIn(event.body);
  if (stopWord) optedOut = true;
  else if (startWord) optedOut = false;
  const notice = optNoticeFor(state.optedOut, stopWord, startWord);
  const locale = localeAfter(state, parts.body);
  // The profile name is written only when it changed: most messages cost one UPDATE less.
  const renamed = event.profileName !== undefined && event.profileName !== state.facts.whatsappName;
  if (renamed || optedOut !== state.optedOut || locale !== state.facts.locale) {
    effects.push({
      type: 'aspirant.patch',
      whatsappName: renamed ? event.profileName : undefined,
      optedOut: optedOut === state.optedOut ? undefined : optedOut,
      ...(locale === state.facts.locale ? {} : { locale }),
      at: event.receivedAt,
    });
  }
  effects.push({ type: 'message.add', message: inboundMessage(event, parts) });
  const shown = preview(parts.body, parts.media, parts.content);
  const instruction = stopWord || startWord;
  const waitingSince = reaction ? state.waitingSince : waitAfterInbound(state, event, instruction, optedOut);
  const status = statusAfterInbound(state, !instruction && !optedOut && !reaction);
  effects.push({
    type: 'conversation.patch',
    patch: {
      status,
      lastInboundAt: event.receivedAt,
      lastMessageAt: event.receivedAt,
      // Absent when the preview stays (a reaction taken back).
      ...(shown === undefined ? {} : { lastMessagePreview: shown }),
      ...(reaction ? {} : { unreadIncrement: 1 }),
      // Written only when it changes: a wait already running keeps its first time.
      ...(waitingSince === state.waitingSince ? {} : { waitingSince }),
    },
  });
  effects.push({ type: 'inbound.processed', eventId: event.eventId });
  const facts = { ...state.facts, locale, ...(event.profileName ? { whatsappName: event.profileName } : {}) };
  const next: ConversationState = { ...state, status, optedOut, facts, lastInboundAt: event.receivedAt, waitingSince };
  // An opt-out or opt-in is confirmed once, and is an instruction to us, not a message for the bot. START from
  // someone who never opted out changes nothing: it is text like any other (a first "Start" gets the welcome).
  if (notice) return { state: next, effects: [...effects, ...noticeEffects(next, notice, bot, now)] };
  const botEvent = botEventFor(parts, event);
  if (optedOut || stopWord || botEvent === null) return { state: next, effects };
  return withBot({ state: next, effects }, botEvent, bot, now);
}

function onMediaStored(state: ConversationState, event: MediaStored, bot: BotContext | undefined, now: number): Decision {
  const { type: _type, mediaId, messageId: _messageId, messageKind: _messageKind, ...stored } = event;
  const decision: Decision = { state, effects: [{ type: 'media.record', mediaId, stored }] };
  const botEvent = botEventForFile(event);
  if (botEvent === null || state.optedOut) return decision;
  return withBot(decision, botEvent, bot, now);
}

function onStatus(state: ConversationState, event: StatusReceived): Decision {
  const effects: Effect[] = [
    {
      type: 'message.status',
      match: { providerSid: event.messageSid },
      status: event.status,
      errorCode: event.errorCode,
      errorMessage: event.errorMessage,
      ...(event.pricingCategory === undefined ? {} : { pricingCategory: event.pricingCategory }),
    },
  ];
  let status = state.status;
  if (isTerminal(event.status)) {
    status = 'needs_attention';
    effects.push({ type: 'conversation.patch', patch: { status } });
  }
  effects.push({ type: 'inbound.processed', eventId: event.eventId });
  return { state: { ...state, status }, effects };
}

function refuse(state: ConversationState, result: ReplyResult): Decision {
  return { state, effects: [], reply: result };
}

function onRecruiterReply(state: ConversationState, event: RecruiterReplied, bot: BotContext | undefined, now: number): Decision {
  const body = event.body?.trim() ?? '';
  if (state.conversationId === null) return refuse(state, { ok: false, code: 'NO_CONVERSATION', message: 'This conversation does not exist yet.' });
  if (state.optedOut) return refuse(state, { ok: false, code: 'OPTED_OUT', message: 'The aspirant opted out (STOP/BAJA); nothing can be sent until they write START or ALTA.' });
  if (!body && !event.templateRef) return refuse(state, { ok: false, code: 'EMPTY_MESSAGE', message: 'Write a message first.' });
  // Refused whole, never cut: Twilio would fail a longer body with 21617 after she had moved on. With a template the
  // body is only what the chat shows (the template filled in): the provider sends the template, not this text.
  const sent = event.templateRef ? '' : body;
  if (!fitsInOneMessage(sent)) return refuse(state, { ok: false, code: 'TOO_LONG', message: `The message has ${charCount(sent)} characters; WhatsApp takes at most ${MAX_BODY_CHARS}.` });
  if (!event.templateRef && !windowOpen(state.lastInboundAt, now)) {
    const closed = windowClosesAt(state.lastInboundAt);
    const since = closed === null ? 'the aspirant has not written yet' : `it closed at ${new Date(closed).toISOString()}`;
    return refuse(state, { ok: false, code: 'WINDOW_CLOSED', message: `Outside WhatsApp's 24-hour window (${since}): only an approved template can be sent.` });
  }
  // Answered: a new conversation or one that needed attention is now open (the bot's and the closed statuses stay).
  const status = state.status === 'new' || state.status === 'needs_attention' ? 'open' : state.status;
  const text = body || `[template ${event.templateRef}]`;
  const effects: Effect[] = [
    { type: 'message.add', message: { ref: 'reply', sender: 'recruiter', body: text, status: 'queued', authorId: event.userId, templateRef: event.templateRef } },
    { type: 'outbox.enqueue', messageRef: 'reply', body: sent || undefined, templateRef: event.templateRef, templateVariables: event.templateVariables },
    // A recruiter taking over pauses the bot for this conversation; a reply (free text or a template) ends the wait.
    { type: 'conversation.patch', patch: { status, lastMessageAt: now, lastMessagePreview: preview(text), botPaused: true, waitingSince: null } },
  ];
  return withBot({ state: { ...state, status, botPaused: true, waitingSince: null }, effects, reply: { ok: true } }, { type: 'recruiter.replied' }, bot, now);
}

function onSendFailed(state: ConversationState, event: OutboxFailed): Decision {
  return {
    state: { ...state, status: 'needs_attention' },
    effects: [
      { type: 'message.status', match: { messageId: event.messageId }, status: 'failed', errorCode: event.errorCode, errorMessage: event.reason },
      { type: 'conversation.patch', patch: { status: 'needs_attention' } },
    ],
  };
}

function onForm(state: ConversationState, event: FormSubmitted, bot: BotContext | undefined, now: number): Decision {
  const { profile } = event;
  // Her age by this form: a minor waits for her guardian (Decree 1377 Art. 12); a later form as an adult is her own.
  // Her `photos` box (Law 1581 Arts. 5–6): the bot asks for a photo only when she ticked it. A submission from before the
  // consent ledger has no `sensitiveConsents` at all and counts as authorised (that form asked every adult for one).
  const photosAuthorised = profile.sensitiveConsents === undefined || profile.sensitiveConsents.includes('photos');
  const facts = { ...state.facts, locale: profile.locale, firstName: profile.firstName, hasKids: profile.hasKids, formSubmitted: true, minor: profile.minor === true, photosAuthorised };
  // Her form records her authorisation on the notice in force (server/privacy/consents): nothing older to link.
  const notice = bot?.notice ? { ...noticeFacts(state), consentedVersion: bot.notice.version } : state.notice;
  const decision: Decision = {
    state: { ...state, facts, ...(notice ? { notice } : {}) },
    effects: [
      { type: 'aspirant.profile', profile, at: event.submittedAt },
      { type: 'inbound.processed', eventId: event.eventId },
    ],
  };
  return withBot(decision, { type: 'form.submitted' }, bot, now);
}

/**
 * A minor's guardian decided (Decree 1377 Art. 12): the fact the bot's conditions read, and the bot's step for it
 * (the default script asks for her photo once authorised, hands her to a recruiter when declined).
 */
function onGuardian(state: ConversationState, event: GuardianDecision, bot: BotContext | undefined, now: number): Decision {
  const facts = { ...state.facts, guardianAuthorised: event.type === 'guardian.authorised' };
  const decision: Decision = { state: { ...state, facts }, effects: [{ type: 'inbound.processed', eventId: event.eventId }] };
  if (state.optedOut) return decision;
  return withBot(decision, { type: event.type }, bot, now);
}

/**
 * The conversation's transition: what `event` does to `state` at `now` (epoch ms), with the bot's step when a
 * script is given, and the link to a newer privacy notice on the first message it sends her when one is owed
 * (./notice-link). Pure — executes nothing, throws nothing for a valid event; `reply` is set for a recruiter's reply.
 */
export function decide(state: ConversationState, event: ConversationEvent, now: number, bot?: BotContext): Decision {
  return withNoticeLink(transition(state, event, now, bot), bot?.notice);
}

function transition(state: ConversationState, event: ConversationEvent, now: number, bot: BotContext | undefined): Decision {
  switch (event.type) {
    case 'inbound.received':
      return onInbound(state, event, bot, now);
    case 'status.received':
      return onStatus(state, event);
    case 'recruiter.replied':
      return onRecruiterReply(state, event, bot, now);
    case 'bot.resumed':
      return withBot({ state: { ...state, botPaused: false }, effects: [] }, { type: 'bot.resumed' }, bot, now);
    case 'form.submitted':
      return onForm(state, event, bot, now);
    case 'timer.fired':
      return withBot({ state, effects: [{ type: 'timer.consumed', timerId: event.timerId }] }, { type: 'timer.fired', timer: event.name }, bot, now);
    case 'conversation.assigned':
      return {
        state: { ...state, assigneeId: event.assigneeId },
        effects: [
          { type: 'conversation.patch', patch: { assigneeId: event.assigneeId } },
          { type: 'audit', actorUserId: event.userId, action: 'conversation.assigned', details: { from: state.assigneeId, to: event.assigneeId } },
        ],
      };
    case 'conversation.status_changed':
      return {
        state: { ...state, status: event.status },
        effects: [
          { type: 'conversation.patch', patch: { status: event.status } },
          { type: 'audit', actorUserId: event.userId, action: 'conversation.status_changed', details: { from: state.status, to: event.status } },
        ],
      };
    case 'note.added':
      return {
        state,
        effects: [
          { type: 'note.add', authorId: event.userId, body: event.body },
          { type: 'audit', actorUserId: event.userId, action: 'note.added', details: { length: event.body.length } },
        ],
      };
    case 'outbox.sent':
      return { state, effects: [{ type: 'message.status', match: { messageId: event.messageId }, status: 'queued', providerSid: event.providerSid }] };
    case 'outbox.failed':
      return onSendFailed(state, event);
    case 'media.stored':
      return onMediaStored(state, event, bot, now);
    case 'media.failed':
      return { state, effects: [{ type: 'media.record', mediaId: event.mediaId, failed: event.reason }] };
    case 'guardian.authorised':
    case 'guardian.declined':
      return onGuardian(state, event, bot, now);
  }
}
