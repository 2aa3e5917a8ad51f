/**
 * @module actors/conversation/decide-waiting.test — who waits for us and statuses that follow the work: the
 * aspirant's first unanswered message starts a wait, our side's messages (a recruiter's reply, a template, the bot)
 * end it, opt-out and opt-in words start none; a conversation a recruiter took over comes back as needs_attention.
 */
import { beforeAll, describe, expect, test } from 'bun:test';
import { FORM_LINK, HOUR, loadDefaultScript } from '../bot/test-support';
import type { BotScript } from '../bot/script';
import { decide, initialState, type BotContext } from './decide';
import { SESSION_WINDOW_MS } from './rules';
import type { ConversationPatch, ConversationState, ConversationStatus, Effect, InboundReceived, RecruiterReplied } from './types';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MINUTE = 60_000;
const known: ConversationState = { ...initialState('+573001112233'), conversationId: 5, aspirantId: 9, lastInboundAt: T0 - HOUR };

let script: BotScript;
let bot: BotContext;
beforeAll(async () => {
  script = await loadDefaultScript();
  bot = { script: { ref: 'intake@1', script }, formLink: () => FORM_LINK, agencyName: 'Wasap Talent' };
});

function inbound(body: string, at: number): InboundReceived {
  return { type: 'inbound.received', eventId: at, messageSid: `SM${at}`, body, media: [], receivedAt: at, profileName: 'Vale' };
}

const reply = (extra: Partial<RecruiterReplied> = {}): RecruiterReplied => ({ type: 'recruiter.replied', userId: 3, body: 'Hola Vale', ...extra });

/** The event's conversation patches merged as the commit lanes merge them (later fields win). */
function patchOf(effects: Effect[]): ConversationPatch {
  const patches = effects.flatMap((e) => (e.type === 'conversation.patch' ? [e.patch] : []));
  return patches.reduce<ConversationPatch>((all, p) => ({ ...all, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) }), {});
}

describe('decide: the wait', () => {
  test("the aspirant's first message starts the wait at its time; later ones keep it", () => {
    const first = decide(known, inbound('Hola, quiero ser modelo', T0), T0);
    expect(first.state.waitingSince).toBe(T0);
    expect(patchOf(first.effects).waitingSince).toBe(T0);
    const second = decide(first.state, inbound('¿Siguen ahí?', T0 + MINUTE), T0 + MINUTE);
    const third = decide(second.state, inbound('Hola??', T0 + 2 * MINUTE), T0 + 2 * MINUTE);
    expect([second.state.waitingSince, third.state.waitingSince]).toEqual([T0, T0]);
    // Kept by leaving the column alone: neither patch names it.
    expect(['waitingSince' in patchOf(second.effects), 'waitingSince' in patchOf(third.effects)]).toEqual([false, false]);
  });

  test("a recruiter's reply ends the wait, free text or a template outside the window", () => {
    const waiting = { ...known, lastInboundAt: T0, waitingSince: T0 };
    const answered = decide(waiting, reply(), T0 + MINUTE);
    expect(answered.state.waitingSince).toBeNull();
    expect(answered.effects).toContainEqual({ type: 'conversation.patch', patch: expect.objectContaining({ waitingSince: null }) });
    const late = T0 + SESSION_WINDOW_MS + 1;
    const template = decide(waiting, reply({ body: undefined, templateRef: 'HX1' }), late);
    expect(template.reply).toEqual({ ok: true });
    expect([template.state.waitingSince, patchOf(template.effects).waitingSince]).toEqual([null, null]);
  });

  test("the bot's message ends the wait: the welcome on a first message, an FAQ answer, a reminder", () => {
    const fresh = { ...initialState('+573001112233'), aspirantId: 9 };
    const welcomed = decide(fresh, inbound('Hola', T0), T0, bot);
    expect(welcomed.effects.some((e) => e.type === 'message.add' && e.message.sender === 'bot')).toBe(true);
    expect([welcomed.state.waitingSince, patchOf(welcomed.effects).waitingSince]).toEqual([null, null]);

    const faq = decide(welcomed.state, inbound('¿Cuánto pagan?', T0 + MINUTE), T0 + MINUTE, bot);
    expect(faq.effects.some((e) => e.type === 'message.add' && e.message.sender === 'bot')).toBe(true);
    expect([faq.state.waitingSince, patchOf(faq.effects).waitingSince]).toEqual([null, null]);

    // A message the bot does not answer starts the wait; its reminder ends it.
    const unanswered = decide(faq.state, inbound('ok', T0 + 2 * MINUTE), T0 + 2 * MINUTE, bot);
    expect(unanswered.effects.some((e) => e.type === 'message.add' && e.message.sender === 'bot')).toBe(false);
    expect(unanswered.state.waitingSince).toBe(T0 + 2 * MINUTE);
    const reminded = decide(unanswered.state, { type: 'timer.fired', timerId: 1, name: 'form_reminder_1', firedAt: T0 + 4 * HOUR }, T0 + 4 * HOUR, bot);
    expect(reminded.effects.some((e) => e.type === 'message.add' && e.message.sender === 'bot')).toBe(true);
    expect([reminded.state.waitingSince, patchOf(reminded.effects).waitingSince]).toEqual([null, null]);
  });

  test('a bot paused by a reply sends nothing, so the wait runs', () => {
    const welcomed = decide({ ...initialState('+573001112233'), conversationId: 5, aspirantId: 9 }, inbound('Hola', T0), T0, bot).state;
    const paused = decide(welcomed, reply(), T0 + MINUTE, bot).state;
    expect([paused.botPaused, paused.bot?.paused]).toEqual([true, true]);
    const asked = decide(paused, inbound('¿Cuánto pagan?', T0 + 2 * MINUTE), T0 + 2 * MINUTE, bot);
    expect(asked.effects.some((e) => e.type === 'message.add' && e.message.sender === 'bot')).toBe(false);
    expect(asked.state.waitingSince).toBe(T0 + 2 * MINUTE);
  });

  test('STOP and BAJA start no wait and end a running one (nobody may answer); START and ALTA start none and keep one', () => {
    const stop = decide(known, inbound('STOP', T0), T0);
    expect([stop.state.waitingSince, 'waitingSince' in patchOf(stop.effects)]).toEqual([null, false]);
    const waiting = { ...known, waitingSince: T0 - MINUTE };
    const baja = decide(waiting, inbound('Baja.', T0), T0);
    expect([baja.state.optedOut, baja.state.waitingSince, patchOf(baja.effects).waitingSince]).toEqual([true, null, null]);
    // Still opted out: a message we may not answer starts nothing.
    expect(decide(baja.state, inbound('hola', T0 + MINUTE), T0 + MINUTE).state.waitingSince).toBeNull();
    // Back in: ALTA itself starts nothing, her next message does.
    const alta = decide(baja.state, inbound('ALTA', T0 + MINUTE), T0 + MINUTE);
    expect([alta.state.optedOut, alta.state.waitingSince]).toEqual([false, null]);
    expect(decide(alta.state, inbound('Hola otra vez', T0 + 2 * MINUTE), T0 + 2 * MINUTE).state.waitingSince).toBe(T0 + 2 * MINUTE);
    const start = decide(waiting, inbound('start', T0), T0);
    expect([start.state.waitingSince, 'waitingSince' in patchOf(start.effects)]).toEqual([T0 - MINUTE, false]);
  });
});

describe('decide: statuses follow the work', () => {
  const taken = { ...known, botPaused: true };
  const after = (state: ConversationState, body = 'Gracias, ¿y ahora?') => decide(state, inbound(body, T0), T0);
  const patchStatus = (state: ConversationState, body?: string) => patchOf(after(state, body).effects).status;

  test('a recruiter took over: her message after our reply needs attention; an opt-out or opt-in word asks nothing', () => {
    expect(after({ ...taken, status: 'open' }).state.status).toBe('needs_attention');
    expect(patchStatus({ ...taken, status: 'open' })).toBe('needs_attention');
    expect(patchStatus({ ...taken, status: 'open' }, 'STOP')).toBe('open');
    expect(patchStatus({ ...taken, status: 'open' }, 'START')).toBe('open');
    expect(patchStatus({ ...taken, status: 'needs_attention' })).toBe('needs_attention');
    // The bot answers an open conversation it still runs.
    expect(patchStatus({ ...known, status: 'open' })).toBe('open');
  });

  test('a closed or archived conversation comes back as needs_attention when the bot is paused, else open', () => {
    for (const status of ['closed', 'archived'] as const) {
      expect(patchStatus({ ...taken, status })).toBe('needs_attention');
      expect(patchStatus({ ...known, status })).toBe('open');
      expect(patchStatus({ ...taken, status }, 'BAJA')).toBe('open');
    }
  });

  test("the bot's statuses and new stay while it runs", () => {
    const statuses: ConversationStatus[] = ['new', 'pending_form', 'pending_photo'];
    expect(statuses.map((status) => patchStatus({ ...known, status }))).toEqual(statuses);
  });

  test("a recruiter's reply moves new and needs_attention to open; other statuses stay", () => {
    const cases: [ConversationStatus, ConversationStatus][] = [
      ['new', 'open'],
      ['needs_attention', 'open'],
      ['open', 'open'],
      ['pending_form', 'pending_form'],
      ['pending_photo', 'pending_photo'],
      ['closed', 'closed'],
    ];
    for (const [from, to] of cases) {
      const answered = decide({ ...known, lastInboundAt: T0, status: from }, reply(), T0 + MINUTE);
      expect({ from, state: answered.state.status, patch: patchOf(answered.effects).status }).toEqual({ from, state: to, patch: to });
    }
  });

  test('the whole loop: she waits, we answer, she writes again and needs attention, we answer again', () => {
    let state: ConversationState = { ...known, status: 'new' };
    state = decide(state, inbound('Hola', T0), T0).state;
    expect([state.status, state.waitingSince]).toEqual(['new', T0]);
    state = decide(state, reply(), T0 + MINUTE).state;
    expect([state.status, state.waitingSince, state.botPaused]).toEqual(['open', null, true]);
    state = decide(state, inbound('¿Cuándo es la cita?', T0 + 2 * MINUTE), T0 + 2 * MINUTE).state;
    expect([state.status, state.waitingSince]).toEqual(['needs_attention', T0 + 2 * MINUTE]);
    state = decide(state, inbound('¿Hola?', T0 + 3 * MINUTE), T0 + 3 * MINUTE).state;
    expect([state.status, state.waitingSince]).toEqual(['needs_attention', T0 + 2 * MINUTE]);
    state = decide(state, reply(), T0 + 4 * MINUTE).state;
    expect([state.status, state.waitingSince]).toEqual(['open', null]);
  });
});
