/**
 * @module actors/conversation/decide-bot.test — the bot reacts to what was really sent: a first message of any kind is
 * welcomed, only a file whose bytes are an image (not a sticker) is the photo, a caption is text, her language comes
 * from her words, STOP and START are confirmed once each, and a reaction moves nothing.
 */
import { beforeAll, describe, expect, test } from 'bun:test';
import { FORM_LINK, HOUR, loadDefaultScript } from '../bot/test-support';
import type { BotScript } from '../bot/script';
import { decide, initialState, type BotContext } from './decide';
import type { MessageContent } from './message-kinds';
import { DEFAULT_OPT_NOTICES } from './opt-notice';
import type { ConversationState, Effect, InboundMedia, InboundReceived, MediaStored } from './types';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const fresh: ConversationState = { ...initialState('+573001112233'), aspirantId: 9 };
const known: ConversationState = { ...fresh, conversationId: 5, lastInboundAt: T0 - HOUR };

let bot: BotContext;
beforeAll(async () => {
  const script: BotScript = await loadDefaultScript();
  bot = { script: { ref: 'intake@1', script }, formLink: () => FORM_LINK, agencyName: 'Wasap Talent' };
});

function inbound(body: string, content: MessageContent = { kind: 'text' }, media: InboundMedia[] = []): InboundReceived {
  return { type: 'inbound.received', eventId: 1, messageSid: 'SM1', body, content, media, receivedAt: T0, profileName: 'Vale' };
}

const file = (contentType: string): InboundMedia[] => [{ url: 'https://api.twilio.com/media/ME1', contentType }];

function stored(kind: MediaStored['kind'], messageKind: MediaStored['messageKind'], contentType = 'image/jpeg'): MediaStored {
  return { type: 'media.stored', mediaId: 3, messageId: 4, kind, contentType, size: 10, blobKey: 'media/x.jpg', checksum: 'ab', messageKind };
}

/** The messageKeys of what the bot (or the conversation) sends in these effects, in order. */
function sent(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'message.add' && e.message.sender === 'bot' ? [String(e.message.extra?.messageKey)] : []));
}

function bodies(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'message.add' && e.message.sender === 'bot' ? [e.message.body] : []));
}

/** The conversation at the photo step: the form is in, the bot asked for a photo. */
function atPhotoStep(locale: 'es' | 'en' = 'es'): ConversationState {
  return {
    ...known,
    status: 'pending_photo',
    script: 'intake@1',
    bot: { step: 'awaiting_photo', paused: false, stopped: false, remindersSent: 0 },
    facts: { locale, formSubmitted: true, firstName: 'Vale' },
  };
}

describe('decide: a first message of any kind', () => {
  test.each([
    ['a photo', inbound('', { kind: 'image' }, file('image/jpeg'))],
    ['a voice note', inbound('', { kind: 'audio', voice: true }, file('audio/ogg'))],
    ['a location', inbound('', { kind: 'location', latitude: 6.2442, longitude: -75.5812 })],
    ['a sticker', inbound('', { kind: 'sticker' }, file('image/webp'))],
    ['a document', inbound('', { kind: 'document', fileName: 'cv.docx' }, file('application/vnd.openxmlformats-officedocument.wordprocessingml.document'))],
    ['a contact card', inbound('', { kind: 'contacts' }, file('text/vcard'))],
  ])('%s gets exactly one welcome with the form link', (_name, event) => {
    const { effects, state } = decide(fresh, event, T0, bot);
    expect(sent(effects)).toEqual(['welcome']);
    expect(bodies(effects)[0]).toContain(FORM_LINK);
    expect(state.bot?.step).toBe('awaiting_form');
  });

  test('the photo stored after the welcome sends nothing more', () => {
    const welcomed = decide(fresh, inbound('', { kind: 'image' }, file('image/jpeg')), T0, bot).state;
    const { effects } = decide({ ...welcomed, conversationId: 5 }, stored('image', 'image'), T0 + 1000, bot);
    expect(sent(effects)).toEqual([]);
  });
});

describe('decide: only a real photo is the photo', () => {
  test('a photo arriving moves nothing yet; its bytes, stored as an image, advance the photo step', () => {
    const arrived = decide(atPhotoStep(), inbound('', { kind: 'image' }, file('image/jpeg')), T0, bot);
    expect(sent(arrived.effects)).toEqual([]);
    expect(arrived.state.bot?.step).toBe('awaiting_photo');
    const { effects, state } = decide(arrived.state, stored('image', 'image'), T0 + 1000, bot);
    expect(effects[0]).toEqual({ type: 'media.record', mediaId: 3, stored: { kind: 'image', contentType: 'image/jpeg', size: 10, blobKey: 'media/x.jpg', checksum: 'ab' } });
    expect(sent(effects)).toEqual(['affirmation', 'handoff']);
    expect([state.bot?.step, state.status]).toEqual(['with_recruiter', 'needs_attention']);
  });

  test('a photo sent as a document is a photo by its bytes', () => {
    expect(sent(decide(atPhotoStep(), stored('image', 'document'), T0, bot).effects)).toEqual(['affirmation', 'handoff']);
  });

  test.each([
    ['a sticker (image bytes, not a photo of her)', stored('image', 'sticker', 'image/webp')],
    ['a PDF sent as a document', stored('document', 'document', 'application/pdf')],
    ['a voice note', stored('audio', 'audio', 'audio/ogg')],
    ['a file declared image/jpeg whose bytes are not an image', stored('document', 'image', 'application/octet-stream')],
  ])('%s gets "not a photo" and the conversation stays at the photo step', (_name, event) => {
    const { effects, state } = decide(atPhotoStep(), event, T0, bot);
    expect(sent(effects)).toEqual(['not_a_photo']);
    expect(bodies(effects)[0]).toContain('no es una foto');
    expect([state.bot?.step, state.status]).toEqual(['awaiting_photo', 'pending_photo']);
  });

  test('"not a photo" is in the script\'s language for her', () => {
    expect(bodies(decide(atPhotoStep('en'), stored('image', 'sticker', 'image/webp'), T0, bot).effects)[0]).toContain("isn't a photo");
  });

  test('a stored file of an event written before files moved the bot only records the file', () => {
    const { effects } = decide(atPhotoStep(), { ...stored('image', undefined) }, T0, bot);
    expect(effects.map((e) => e.type)).toEqual(['media.record']);
  });

  test("an opted-out aspirant's photo moves nothing", () => {
    expect(decide({ ...atPhotoStep(), optedOut: true }, stored('image', 'image'), T0, bot).effects.map((e) => e.type)).toEqual(['media.record']);
  });
});

describe('decide: a caption is text to the bot', () => {
  test("FAQ keywords in a photo's caption are answered", () => {
    const { effects } = decide(atPhotoStep(), inbound('Aquí va mi foto, ¿cuánto pagan?', { kind: 'image' }, file('image/jpeg')), T0, bot);
    expect(sent(effects)).toEqual(['faq_pay']);
  });
});

describe('decide: the bot speaks her language from her first words', () => {
  test('an English first message gets the English welcome, and her language is stored', () => {
    const { effects, state } = decide(fresh, inbound('Hi! I saw your ad, I want to work with you'), T0, bot);
    expect(bodies(effects)[0]).toStartWith('Hi Vale! 👋');
    expect(state.facts.locale).toBe('en');
    expect(effects).toContainEqual({ type: 'aspirant.patch', whatsappName: 'Vale', optedOut: undefined, locale: 'en', at: T0 });
  });

  test("Spanish by default; a message that does not tell keeps her language; the form's language wins once given", () => {
    expect(bodies(decide(fresh, inbound('👍'), T0, bot).effects)[0]).toStartWith('¡Hola, Vale!');
    const english = { ...known, facts: { ...known.facts, locale: 'en' as const } };
    expect(decide(english, inbound('ok'), T0, bot).state.facts.locale).toBe('en');
    expect(decide(english, inbound('Hola, ¿cómo estás?'), T0, bot).state.facts.locale).toBe('es');
    const formInSpanish = { ...known, facts: { locale: 'es' as const, formSubmitted: true } };
    expect(decide(formInSpanish, inbound('Hi, how much do you pay?'), T0, bot).state.facts.locale).toBe('es');
  });
});

describe('decide: STOP and START are confirmed once each', () => {
  const notice = (effects: Effect[]) => effects.filter((e) => e.type === 'message.add' && e.message.sender === 'bot');

  test('STOP: one confirmation in her language, sendable though she opted out; nothing from the bot', () => {
    const { effects, state } = decide({ ...atPhotoStep('en') }, inbound('STOP'), T0, bot);
    expect(state.optedOut).toBe(true);
    expect(notice(effects)).toEqual([
      { type: 'message.add', message: { ref: 'notice', sender: 'bot', body: DEFAULT_OPT_NOTICES.opted_out.en, status: 'queued', extra: { messageKey: 'opted_out', notice: 'opted_out' } } },
    ]);
    expect(effects).toContainEqual({ type: 'outbox.enqueue', messageRef: 'notice', body: DEFAULT_OPT_NOTICES.opted_out.en });
    expect(state.bot?.step).toBe('awaiting_photo');
  });

  test('BAJA in Spanish; a second opt-out word while opted out gets nothing', () => {
    const first = decide(known, inbound('Baja.'), T0, bot);
    expect(bodies(first.effects)).toEqual([DEFAULT_OPT_NOTICES.opted_out.es]);
    expect(decide(first.state, inbound('STOP'), T0 + 1000, bot).effects.filter((e) => e.type === 'outbox.enqueue')).toEqual([]);
  });

  test('START after STOP: one confirmation; START from someone who never opted out is text (a first one is welcomed)', () => {
    const out = { ...known, optedOut: true };
    expect(bodies(decide(out, inbound('ALTA'), T0, bot).effects)).toEqual([DEFAULT_OPT_NOTICES.opted_in.es]);
    expect(sent(decide(out, inbound('start'), T0, bot).effects)).toEqual(['opted_in']);
    expect(sent(decide(fresh, inbound('Start'), T0, bot).effects)).toEqual(['welcome']);
  });

  test('the confirmation goes out even while a recruiter has paused the bot, and without a script', () => {
    const paused = { ...atPhotoStep(), botPaused: true, bot: { step: 'with_recruiter', paused: true, stopped: false } };
    expect(sent(decide(paused, inbound('STOP'), T0, bot).effects)).toEqual(['opted_out']);
    expect(sent(decide(known, inbound('STOP'), T0).effects)).toEqual(['opted_out']);
  });
});

describe('decide: a reaction is not a question', () => {
  test('no wait, not unread, no bot, no status change', () => {
    const state = { ...atPhotoStep(), botPaused: true, status: 'open' as const, bot: { step: 'with_recruiter', paused: true, stopped: false } };
    for (const from of [state, atPhotoStep()]) {
      const { effects, state: next } = decide(from, inbound('', { kind: 'reaction', emoji: '❤️', messageId: 'SMout' }), T0, bot);
      const patch = effects.find((e) => e.type === 'conversation.patch');
      expect(patch).toEqual({ type: 'conversation.patch', patch: { status: from.status, lastInboundAt: T0, lastMessageAt: T0, lastMessagePreview: '❤️' } });
      expect(sent(effects)).toEqual([]);
      expect([next.waitingSince, next.bot?.step, next.status]).toEqual([null, from.bot?.step, from.status]);
    }
  });
});
