/** @module actors/bot/interpreter.test — the default script's conversation, FAQ, variants, pausing, reminder cap and locales. */
import { beforeAll, describe, expect, test } from 'bun:test';
import { type BotEvent, type BotFacts, type BotState, initialBotState, interpret, renderMessage } from './interpreter';
import { type BotScript, parseScript } from './script';
import { FORM_LINK, HOUR, facts, loadDefaultScript } from './test-support';

let script: BotScript;
beforeAll(async () => {
  script = await loadDefaultScript();
});

const T0 = Date.UTC(2025, 2, 3, 14, 0);
const inbound = (body: string, hasMedia = false): BotEvent => ({ type: 'inbound.received', body, hasMedia });
const at = (step: string, extra: Partial<BotState> = {}): BotState => ({ step, paused: false, stopped: false, remindersSent: 0, ...extra });

/** Plays events in order, returning each decision's actions and the final state. */
function play(events: [BotEvent, BotFacts][], state = initialBotState(script)) {
  const all = events.map(([event, eventFacts], index) => {
    const decision = interpret(state, event, script, eventFacts, T0 + index * HOUR);
    state = decision.state;
    return decision.actions;
  });
  return { state, actions: all };
}

describe('interpret: the default intake script', () => {
  test('happy path: welcome, reminder, form, text instead of photo, photo, hand-off', () => {
    const before = facts();
    const after = facts({ formSubmitted: true, firstName: 'Carolina', hasKids: false });
    let state = initialBotState(script);
    const step = (event: BotEvent, eventFacts: BotFacts, now: number) => {
      const decision = interpret(state, event, script, eventFacts, now);
      state = decision.state;
      return decision.actions;
    };

    expect(state).toEqual({ step: 'greeting', paused: false, stopped: false, remindersSent: 0 });
    expect(step(inbound('Hola, vi su anuncio'), before, T0)).toEqual([
      {
        type: 'send',
        messageKey: 'welcome',
        text:
          '¡Hola, Caro ✨! 👋 Qué alegría que nos escribas. Soy el asistente virtual de Wasap Talent.\n' +
          'Para conocerte mejor, llena este formulario corto (toma unos 3 minutos):\n' +
          `${FORM_LINK}\n` +
          'Si tienes alguna pregunta, escríbeme por aquí cuando quieras.',
      },
      { type: 'status', status: 'pending_form' },
      { type: 'schedule', timer: 'form_reminder_1', at: T0 + 4 * HOUR },
      { type: 'schedule', timer: 'form_reminder_2', at: T0 + 23 * HOUR },
    ]);
    expect(state).toEqual(at('awaiting_form'));

    expect(step({ type: 'timer.fired', timer: 'form_reminder_1' }, before, T0 + 4 * HOUR)).toEqual([
      { type: 'send', messageKey: 'form_reminder_1', text: `Hola, Caro ✨. Te recuerdo que tu formulario sigue esperándote 😊\nSolo toma unos minutos: ${FORM_LINK}` },
    ]);
    expect(state).toEqual(at('awaiting_form', { remindersSent: 1 }));

    expect(step({ type: 'form.submitted' }, after, T0 + 5 * HOUR)).toEqual([
      { type: 'cancel', timer: 'form_reminder_1' },
      { type: 'cancel', timer: 'form_reminder_2' },
      {
        type: 'send',
        messageKey: 'photo_request',
        text: '¡Gracias, Carolina! Ya recibimos tu formulario 🙌\n' + 'El siguiente paso es una foto tuya reciente: de frente, con buena luz y sin filtros. Puedes enviarla aquí mismo 📸',
      },
      { type: 'status', status: 'pending_photo' },
    ]);
    expect(state).toEqual(at('awaiting_photo', { remindersSent: 1 }));

    expect(step(inbound('listo, ya llené todo'), after, T0 + 6 * HOUR)).toEqual([
      {
        type: 'send',
        messageKey: 'photo_needed',
        text: '¡Gracias por tu mensaje, Carolina! Para seguir con tu proceso necesitamos una foto tuya reciente (de frente, con buena luz y sin filtros).\n' + 'Cuando la tengas, envíala por aquí 📸',
      },
    ]);
    expect(state.step).toBe('awaiting_photo');
    // The photo itself arrives as an inbound with media: no nagging, photo.received does the rest.
    expect(step(inbound('', true), after, T0 + 7 * HOUR)).toEqual([]);

    expect(step({ type: 'photo.received' }, after, T0 + 7 * HOUR)).toEqual([
      {
        type: 'send',
        messageKey: 'affirmation',
        text:
          '¡Recibimos tu foto, Carolina! 🌟 Gracias por tomarte el tiempo y por tu confianza.\n' +
          'Dar este paso dice mucho de ti, y ya tenemos todo lo que necesitamos para revisar tu perfil con cuidado.',
      },
      {
        type: 'send',
        messageKey: 'handoff',
        text: 'Una persona del equipo de Wasap Talent va a revisar tu perfil y te escribirá por este mismo chat.\nMientras tanto, si tienes preguntas, escríbenos aquí.',
      },
      { type: 'handoff', status: 'needs_attention' },
    ]);
    expect(state).toEqual(at('with_recruiter', { remindersSent: 1 }));
    // A reminder that slipped past the cancel does nothing once the form is in.
    expect(step({ type: 'timer.fired', timer: 'form_reminder_2' }, after, T0 + 24 * HOUR)).toEqual([]);
  });

  test('the default script says the same to everyone whatever her sensitive answers (the chat is read by every recruiter)', () => {
    const photoRequest = (eventFacts: BotFacts) => interpret(at('awaiting_form'), { type: 'form.submitted' }, script, eventFacts, T0).actions.find((action) => action.type === 'send');
    for (const hasKids of [true, false, undefined]) {
      const request = photoRequest(facts({ formSubmitted: true, firstName: 'Luz', hasKids }));
      expect(request?.type === 'send' && request.text).toBe(
        '¡Gracias, Luz! Ya recibimos tu formulario 🙌\nEl siguiente paso es una foto tuya reciente: de frente, con buena luz y sin filtros. Puedes enviarla aquí mismo 📸',
      );
      expect(renderMessage(script, 'faq_schedule', facts({ hasKids }))).toContain('turnos flexibles y opciones de trabajo remoto');
    }
  });

  test('the affirmation encourages without promising a job or an approval, in both languages', () => {
    for (const locale of ['es', 'en'] as const) {
      const text = renderMessage(script, 'affirmation', facts({ locale, firstName: 'Ana' })) ?? '';
      expect(text).toContain('Ana');
      expect(text).not.toMatch(/aprobad|approved|contratad|hired|seleccionad|selected|trabajo asegurado|guarantee/i);
    }
  });
});

describe('interpret: what she really sent', () => {
  test('a first message with a file (no text) gets the welcome like any other', () => {
    const { actions, state } = interpret(initialBotState(script), inbound('', true), script, facts(), T0);
    expect(actions.map((action) => action.type === 'send' && action.messageKey).filter(Boolean)).toEqual(['welcome']);
    expect(state.step).toBe('awaiting_form');
  });

  test('at the photo step a file that is not a photo gets "not a photo" in her language and the step stays', () => {
    for (const [locale, words] of [
      ['es', 'no es una foto'],
      ['en', "isn't a photo"],
    ] as const) {
      const { actions, state } = interpret(at('awaiting_photo'), { type: 'file.received', messageId: 7 }, script, facts({ locale, formSubmitted: true, firstName: 'Ana' }), T0);
      expect(actions).toEqual([{ type: 'send', messageKey: 'not_a_photo', text: expect.stringContaining(words) }]);
      expect(state).toEqual(at('awaiting_photo', { lastFileMessageId: 7 }));
    }
  });

  test('one message with many files that are not the photo gets one answer; her next message gets its own', () => {
    const first = interpret(at('awaiting_photo'), { type: 'file.received', messageId: 7 }, script, facts({ formSubmitted: true }), T0);
    expect(first.actions).toHaveLength(1);
    const again = interpret(first.state, { type: 'file.received', messageId: 7 }, script, facts({ formSubmitted: true }), T0);
    expect(again).toEqual({ state: first.state, actions: [] });
    expect(interpret(first.state, { type: 'file.received', messageId: 8 }, script, facts({ formSubmitted: true }), T0).actions).toHaveLength(1);
  });

  test('a file that is not a photo before the photo step is nothing to the bot', () => {
    for (const step of ['greeting', 'awaiting_form', 'with_recruiter']) {
      expect(interpret(at(step), { type: 'file.received', messageId: 7 }, script, facts(), T0)).toEqual({ state: at(step, { lastFileMessageId: 7 }), actions: [] });
    }
  });

  test('a caption is text: the FAQ answers it, also at the photo step while the file is being fetched', () => {
    const { actions, state } = interpret(at('awaiting_photo'), inbound('¿cuánto pagan?', true), script, facts({ formSubmitted: true }), T0);
    expect(actions.map((action) => action.type === 'send' && action.messageKey)).toEqual(['faq_pay']);
    expect(state).toEqual(at('awaiting_photo'));
  });
});

describe('interpret: FAQ', () => {
  const answers = (state: BotState, body: string, eventFacts = facts()) => {
    const decision = interpret(state, inbound(body), script, eventFacts, T0);
    expect(decision.state).toEqual(state);
    return decision.actions.map((action) => (action.type === 'send' ? action.messageKey : action.type));
  };

  test('answers in Spanish and English at every step without moving the step; accents and capitals do not matter', () => {
    for (const step of ['awaiting_form', 'awaiting_photo', 'with_recruiter']) {
      expect(answers(at(step), '¿CUANTO pagan?')).toEqual(['faq_pay']);
      expect(answers(at(step), 'es confiable o es una estafa')).toEqual(['faq_safety']);
      expect(answers(at(step), 'Qué horarios manejan')).toEqual(['faq_schedule']);
      expect(answers(at(step), 'How much is the pay?', facts({ locale: 'en' }))).toEqual(['faq_pay']);
      expect(answers(at(step), 'Is this a SCAM?', facts({ locale: 'en' }))).toEqual(['faq_safety']);
      expect(answers(at(step), 'which shifts are there', facts({ locale: 'en' }))).toEqual(['faq_schedule']);
    }
  });

  test('the answer is in the aspirant locale', () => {
    const [action] = interpret(at('awaiting_form'), inbound('is it safe?'), script, facts({ locale: 'en' }), T0).actions;
    expect(action).toEqual({
      type: 'send',
      messageKey: 'faq_safety',
      text:
        'Your safety comes first 🤝 At Wasap Talent we will never ask you for money, passwords or intimate photos.\n' +
        "Your data is handled under Colombia's personal data protection law (Law 1581), and we give you the details of every job in writing.\n" +
        'If anything feels off, tell us here.',
    });
  });

  test('whole words only, several questions get several answers', () => {
    expect(answers(at('awaiting_form'), 'seguramente mañana lo lleno')).toEqual([]);
    expect(answers(at('awaiting_form'), 'pagado? payment?')).toEqual([]);
    expect(answers(at('awaiting_photo'), '¿Cuánto pagan y cuál es el horario?')).toEqual(['faq_pay', 'faq_schedule']);
  });

  test('a step that handles the text itself wins, and may add the FAQ answer', () => {
    expect(answers(at('awaiting_form'), 'no me llegó el link')).toEqual(['form_link_again']);
    expect(answers(at('awaiting_form'), '¿el formulario es seguro?')).toEqual(['form_link_again', 'faq_safety']);
  });

  test('the first message gets the welcome and then the answer', () => {
    const { state, actions } = interpret(initialBotState(script), inbound('Buenas, ¿cuánto pagan?'), script, facts(), T0);
    expect(state.step).toBe('awaiting_form');
    expect(actions.map((action) => (action.type === 'send' ? action.messageKey : action.type))).toEqual(['welcome', 'status', 'schedule', 'schedule', 'faq_pay']);
  });
});

describe('interpret: pausing, reminders, names and locales', () => {
  test('a recruiter reply pauses the bot until a recruiter resumes it', () => {
    const { state, actions } = play(
      [
        [{ type: 'recruiter.replied' }, facts()],
        [inbound('¿cuánto pagan?'), facts()],
        [{ type: 'timer.fired', timer: 'form_reminder_1' }, facts()],
        [{ type: 'form.submitted' }, facts({ formSubmitted: true })],
      ],
      at('awaiting_form'),
    );
    expect(actions).toEqual([[], [], [], []]);
    expect(state).toEqual(at('awaiting_form', { paused: true }));

    const resumed = interpret(state, { type: 'bot.resumed' }, script, facts(), T0);
    expect(resumed).toEqual({ state: at('awaiting_form'), actions: [] });
    expect(interpret(resumed.state, inbound('¿cuánto pagan?'), script, facts(), T0).actions.map((action) => action.type)).toEqual(['send']);
    // Resuming a bot that is not paused changes nothing.
    expect(interpret(at('awaiting_form'), { type: 'bot.resumed' }, script, facts(), T0)).toEqual({ state: at('awaiting_form'), actions: [] });
  });

  test('at most two reminders, and none once the form is in', () => {
    const reminder = (timer: string): [BotEvent, BotFacts] => [{ type: 'timer.fired', timer }, facts()];
    const { state, actions } = play(
      [reminder('form_reminder_1'), reminder('form_reminder_1'), reminder('form_reminder_2'), reminder('form_reminder_2'), reminder('form_reminder_1')],
      at('awaiting_form'),
    );
    expect(actions.map((list) => list.map((action) => (action.type === 'send' ? action.messageKey : action.type)))).toEqual([['form_reminder_1'], ['form_reminder_1'], [], [], []]);
    expect(state.remindersSent).toBe(2);
    const submitted = interpret(at('awaiting_form'), { type: 'timer.fired', timer: 'form_reminder_1' }, script, facts({ formSubmitted: true }), T0);
    expect(submitted.actions).toEqual([]);
  });

  test('English rendering, and names fall back from firstName to the WhatsApp name to a neutral word', () => {
    const welcome = (eventFacts: BotFacts) => renderMessage(script, 'welcome', eventFacts)?.split('\n')[0];
    expect(welcome(facts({ locale: 'en', whatsappName: undefined }))).toBe("Hi there! 👋 We're so glad you reached out. I'm the Wasap Talent virtual assistant.");
    expect(welcome(facts({ locale: 'en', firstName: 'Valentina' }))).toBe("Hi Valentina! 👋 We're so glad you reached out. I'm the Wasap Talent virtual assistant.");
    expect(welcome(facts({ whatsappName: '  ' }))).toBe('¡Hola, hola! 👋 Qué alegría que nos escribas. Soy el asistente virtual de Wasap Talent.');
    expect(renderMessage(script, 'form_link_again', facts({ locale: 'en' }))).toBe(`Of course! Here is your form link: ${FORM_LINK}`);
    // An aspirant's name is inserted as written, never expanded again.
    expect(welcome(facts({ firstName: '{formLink}' }))).toBe('¡Hola, {formLink}! 👋 Qué alegría que nos escribas. Soy el asistente virtual de Wasap Talent.');
    for (const key of Object.keys(script.messages)) {
      for (const locale of ['es', 'en'] as const) expect(renderMessage(script, key, facts({ locale, whatsappName: undefined })) ?? '').not.toMatch(/\{\w+\}/);
    }
  });
});

describe('interpret: other script features', () => {
  const small = parseScript(`
name: small
locales: [es]
start: s
steps:
  s:
    faq: false
    on:
      inbound.received:
        - regex: "^\\\\s*(baja|stop)\\\\s*$"
          actions: [{ send: bye }, { cancel: all }, stop]
        - actions: [{ send: hi }]
      recruiter.replied:
        - actions: [{ status: open }]
      bot.resumed:
        - actions: [{ send: hi }]
faq:
  pay: { keywords: [pago], answer: hi }
messages:
  hi: { es: "Hola {firstName}" }
  bye: { es: "Chao" }
`);

  test('regex transitions, cancel all, stop; a stopped bot stays silent', () => {
    if (!small.ok) throw new Error(JSON.stringify(small.problems));
    const s = small.script;
    const english = facts({ locale: 'en', whatsappName: undefined });
    // Locale the script lacks: the default locale's text, with its neutral word.
    expect(interpret(at('s'), inbound('¿pago?'), s, english, T0).actions).toEqual([{ type: 'send', messageKey: 'hi', text: 'Hola hola' }]);
    const stopped = interpret(at('s'), inbound(' STOP '), s, english, T0);
    expect(stopped).toEqual({
      state: at('s', { stopped: true }),
      actions: [{ type: 'send', messageKey: 'bye', text: 'Chao' }, { type: 'cancel', timer: '*' }, { type: 'stop' }],
    });
    for (const event of [inbound('hola'), { type: 'bot.resumed' } as const, { type: 'recruiter.replied' } as const]) {
      expect(interpret(stopped.state, event, s, english, T0)).toEqual({ state: stopped.state, actions: [] });
    }
  });

  test('steps may act on recruiter.replied (then pause) and on bot.resumed', () => {
    if (!small.ok) throw new Error(JSON.stringify(small.problems));
    const paused = interpret(at('s'), { type: 'recruiter.replied' }, small.script, facts(), T0);
    expect(paused).toEqual({ state: at('s', { paused: true }), actions: [{ type: 'status', status: 'open' }] });
    const resumed = interpret(paused.state, { type: 'bot.resumed' }, small.script, facts({ firstName: 'Sol' }), T0);
    expect(resumed).toEqual({ state: at('s'), actions: [{ type: 'send', messageKey: 'hi', text: 'Hola Sol' }] });
  });

  test('a step the script does not have (another version) does nothing but answer FAQ', () => {
    expect(interpret(at('gone'), { type: 'photo.received' }, script, facts(), T0)).toEqual({ state: at('gone'), actions: [] });
    expect(interpret(at('gone'), inbound('pago'), script, facts(), T0).actions.map((action) => action.type)).toEqual(['send']);
  });
});
