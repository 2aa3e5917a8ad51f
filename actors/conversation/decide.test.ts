/** @module actors/conversation/decide.test — the pure transitions: inbound, opt-out, the 24-hour window, statuses. */
import { describe, expect, test } from 'bun:test';
import { decide, initialState } from './decide';
import { SESSION_WINDOW_MS } from './rules';
import type { ConversationState, Effect, InboundReceived } from './types';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function inbound(body: string, extra: Partial<InboundReceived> = {}): InboundReceived {
  return { type: 'inbound.received', eventId: 7, messageSid: 'SM1', body, media: [], receivedAt: T0, profileName: 'Vale', ...extra };
}

const known: ConversationState = { ...initialState('+573001112233'), conversationId: 5, lastInboundAt: T0 };

describe('decide: inbound.received', () => {
  test('the first message creates the conversation and records the message, in one decision', () => {
    const { state, effects } = decide(initialState('+573001112233'), inbound('Hola, quiero ser modelo'), T0);
    expect(effects.map((e) => e.type)).toEqual(['conversation.create', 'aspirant.patch', 'message.add', 'conversation.patch', 'inbound.processed']);
    expect(effects[0]).toEqual({ type: 'conversation.create', whatsappName: 'Vale' });
    expect(effects[2]).toMatchObject({ message: { sender: 'aspirant', body: 'Hola, quiero ser modelo', status: 'received', providerSid: 'SM1' } });
    expect(effects[3]).toEqual({
      type: 'conversation.patch',
      patch: { status: 'new', lastInboundAt: T0, lastMessageAt: T0, lastMessagePreview: 'Hola, quiero ser modelo', unreadIncrement: 1, waitingSince: T0 },
    });
    expect(effects[4]).toEqual({ type: 'inbound.processed', eventId: 7 });
    expect(state).toMatchObject({ status: 'new', lastInboundAt: T0, optedOut: false });
  });

  test.each(['STOP', 'baja', ' Cancelar. ', 'unsubscribe!'])('%j opts out', (word) => {
    const { state, effects } = decide(known, inbound(word), T0);
    expect(state.optedOut).toBe(true);
    expect(effects).toContainEqual({ type: 'aspirant.patch', whatsappName: 'Vale', optedOut: true, at: T0 });
  });

  test('"no me den de baja" is a message, not an opt-out; START and ALTA opt back in', () => {
    expect(decide(known, inbound('no me den de baja'), T0).state.optedOut).toBe(false);
    const out = { ...known, optedOut: true };
    expect(decide(out, inbound('Alta'), T0).state.optedOut).toBe(false);
    expect(decide(out, inbound('START'), T0).state.optedOut).toBe(false);
    expect(decide(out, inbound('hola'), T0).state.optedOut).toBe(true);
  });

  test('a closed conversation reopens; a photo without text previews as a photo', () => {
    const { state, effects } = decide({ ...known, status: 'closed' }, inbound('', { media: [{ url: 'https://x', contentType: 'image/jpeg' }] }), T0);
    expect(state.status).toBe('open');
    expect(effects).toContainEqual(expect.objectContaining({ type: 'conversation.patch', patch: expect.objectContaining({ lastMessagePreview: '📷 Photo', status: 'open' }) }));
  });
});

describe('decide: kinds of inbound message', () => {
  const messageOf = (effects: Effect[]) => effects.find((e) => e.type === 'message.add')!;
  const stored = (event: InboundReceived) => (messageOf(decide(known, event, T0).effects) as Extract<Effect, { type: 'message.add' }>).message;
  const patchOf = (effects: Effect[]) => effects.find((e) => e.type === 'conversation.patch')!;

  test('a location is stored with its kind and fields and previews as its place', () => {
    const content = { kind: 'location' as const, latitude: 4.6097, longitude: -74.0817, label: 'Agencia' };
    const { effects } = decide(known, inbound('', { content }), T0);
    expect(messageOf(effects)).toEqual({
      type: 'message.add',
      message: { ref: 'inbound', sender: 'aspirant', body: '', status: 'received', providerSid: 'SM1', content, media: [] },
    });
    expect(patchOf(effects)).toMatchObject({ patch: { lastMessagePreview: '📍 Agencia' } });
  });

  test('a reply keeps its context and referral; forwarded flags and marks go to extra', () => {
    const event = inbound('¿Y el pago?', {
      content: { kind: 'text' },
      context: { messageId: 'SMq', from: '+14155238886' },
      referral: { sourceType: 'ad', headline: 'Casting Medellín', ctwaClid: 'ARAbc' },
      forwarded: true,
      marks: [{ field: 'Body', mark: 'cut', length: 70000 }],
    });
    expect(stored(event)).toMatchObject({
      context: { messageId: 'SMq', from: '+14155238886' },
      referral: { sourceType: 'ad', headline: 'Casting Medellín', ctwaClid: 'ARAbc' },
      extra: { forwarded: true, marks: [{ field: 'Body', mark: 'cut', length: 70000 }] },
    });
  });

  test('a reaction is a message of its own; taken back, it leaves the list preview as it was', () => {
    const { effects } = decide(known, inbound('', { content: { kind: 'reaction', emoji: '👍', messageId: 'SMout' } }), T0);
    expect(messageOf(effects)).toMatchObject({ message: { body: '', content: { kind: 'reaction', emoji: '👍', messageId: 'SMout' } } });
    expect(patchOf(effects)).toMatchObject({ patch: { lastMessagePreview: '👍' } });
    const removed = decide(known, inbound('', { content: { kind: 'reaction', emoji: '', messageId: 'SMout' } }), T0);
    expect('lastMessagePreview' in (patchOf(removed.effects) as { patch: object }).patch).toBe(false);
  });

  test('an event journaled before kinds (no content) is read as its parser then stored it', () => {
    const legacy = (extra: Record<string, unknown>, body = '') => stored(inbound(body, { extra }));
    expect(legacy({ location: { latitude: 1, longitude: 2, address: 'Calle 1' } })).toMatchObject({ content: { kind: 'location', latitude: 1, longitude: 2, address: 'Calle 1' } });
    expect(legacy({ button: { text: 'Sí', payload: 'yes' } })).toMatchObject({ body: 'Sí', content: { kind: 'interactive', reply: 'button', payload: 'yes' } });
    expect(legacy({ repliedToSid: 'SMq' }, 'ok')).toMatchObject({ body: 'ok', content: { kind: 'text' }, context: { messageId: 'SMq' } });
    expect(stored(inbound('', { media: [{ url: 'https://x', contentType: 'audio/ogg' }] }))).toMatchObject({ content: { kind: 'audio', voice: true } });
  });
});

describe('decide: recruiter.replied', () => {
  const reply = { type: 'recruiter.replied' as const, userId: 3, body: 'Hola Vale 👋' };

  test('inside the window: a queued message, an outbox row, the bot paused', () => {
    const { state, effects, reply: answer } = decide(known, reply, T0 + 1000);
    expect(effects.map((e) => e.type)).toEqual(['message.add', 'outbox.enqueue', 'conversation.patch']);
    expect(answer).toEqual({ ok: true });
    expect(effects[0]).toMatchObject({ message: { sender: 'recruiter', authorId: 3, body: 'Hola Vale 👋', status: 'queued' } });
    expect(state).toMatchObject({ status: 'open', botPaused: true });
  });

  test('outside the 24-hour window free text is refused, a template goes out', () => {
    const late = T0 + SESSION_WINDOW_MS + 1;
    const refused = decide(known, reply, late);
    expect(refused.effects).toEqual([]);
    expect(refused.reply).toEqual(expect.objectContaining({ ok: false, code: 'WINDOW_CLOSED' }));
    expect(refused.state).toBe(known);
    const template = decide(known, { ...reply, body: undefined, templateRef: 'HX123', templateVariables: { 1: 'Vale' } }, late);
    expect(template.effects[1]).toEqual({ type: 'outbox.enqueue', messageRef: 'reply', body: undefined, templateRef: 'HX123', templateVariables: { 1: 'Vale' } });
  });

  test('a template with its filled body: the chat shows the text, the outbox sends only the template, whatever its length', () => {
    const late = T0 + SESSION_WINDOW_MS + 1;
    const filled = `Hola Vale, ${'¿seguimos? '.repeat(200)}`.trim();
    const { effects, reply: answer } = decide(known, { ...reply, body: filled, templateRef: 'HX123', templateVariables: { 1: 'Vale' } }, late);
    expect(answer).toEqual({ ok: true });
    expect(effects[0]).toMatchObject({ type: 'message.add', message: { body: filled, templateRef: 'HX123' } });
    expect(effects[1]).toEqual({ type: 'outbox.enqueue', messageRef: 'reply', body: undefined, templateRef: 'HX123', templateVariables: { 1: 'Vale' } });
    expect(effects[2]).toMatchObject({ type: 'conversation.patch', patch: { lastMessagePreview: expect.stringMatching(/^Hola Vale, ¿seguimos\?/) } });
  });

  test('an opted-out aspirant gets nothing; an empty reply is refused', () => {
    const optedOut = decide({ ...known, optedOut: true }, reply, T0);
    expect({ effects: optedOut.effects, reply: optedOut.reply }).toEqual({ effects: [], reply: expect.objectContaining({ code: 'OPTED_OUT' }) });
    const empty = decide(known, { ...reply, body: '   ' }, T0);
    expect({ effects: empty.effects, reply: empty.reply }).toEqual({ effects: [], reply: expect.objectContaining({ code: 'EMPTY_MESSAGE' }) });
  });

  test('a reply over 1,600 characters is refused whole, nothing is cut; 1,600 emoji (3,200 UTF-16 units) go out', () => {
    const long = decide(known, { ...reply, body: 'a'.repeat(1601) }, T0);
    expect({ state: long.state, effects: long.effects, reply: long.reply }).toEqual({
      state: known,
      effects: [],
      reply: { ok: false, code: 'TOO_LONG', message: 'The message has 1601 characters; WhatsApp takes at most 1600.' },
    });
    const emoji = '😀'.repeat(1600);
    const sent = decide(known, { ...reply, body: emoji }, T0);
    expect(sent.reply).toEqual({ ok: true });
    expect(sent.effects[1]).toMatchObject({ type: 'outbox.enqueue', body: emoji });
    // The list preview is cut by characters: never half an emoji (a lone surrogate Postgres would refuse).
    expect(sent.effects[2]).toMatchObject({ type: 'conversation.patch', patch: { lastMessagePreview: `${'😀'.repeat(119)}…` } });
    // Surrounding blanks are not sent, so they do not count.
    expect(decide(known, { ...reply, body: ` ${'a'.repeat(1600)}\n` }, T0).reply).toEqual({ ok: true });
  });
});

describe('decide: delivery', () => {
  test('a failed status or a permanent send error needs attention', () => {
    const failed = decide(known, { type: 'status.received', eventId: 9, messageSid: 'SM9', status: 'failed', errorCode: 63016 }, T0);
    expect(failed.state.status).toBe('needs_attention');
    const sendFailed = decide(known, { type: 'outbox.failed', messageId: 4, errorCode: 21211, reason: 'Invalid number' }, T0);
    expect(sendFailed.effects[0]).toEqual({ type: 'message.status', match: { messageId: 4 }, status: 'failed', errorCode: 21211, errorMessage: 'Invalid number' });
    expect(sendFailed.state.status).toBe('needs_attention');
  });

  test('delivered does not change the conversation', () => {
    const { state, effects } = decide(known, { type: 'status.received', eventId: 9, messageSid: 'SM9', status: 'delivered' }, T0);
    expect(state).toBe(state);
    expect(effects.map((e) => e.type)).toEqual(['message.status', 'inbound.processed']);
  });
});
