/** @module actors/bot/interpreter-properties.test — random event sequences: no throws, only valid actions, same input → same output. */
import { beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { DATA_SUBJECT_RIGHTS, SHIFTS } from '../vocabulary';
import { type BotAction, type BotEvent, type BotFacts, type BotState, initialBotState, interpret } from './interpreter';
import { BOT_STATUSES, type BotScript, HANDOFF_STATUSES } from './script-types';
import { FORM_LINK, loadDefaultScript } from './test-support';

let script: BotScript;
beforeAll(async () => {
  script = await loadDefaultScript();
});

const WORDS = ['hola', 'Cuánto', 'PAGAN', 'estafa', 'horario', 'link', 'formulario', 'pay', 'safe', 'shifts', 'foto', '{firstName}', '¿', '!', '😊', ''];
/** Names without braces, so any {placeholder} left in a sent text can only have come from the script. */
const name = fc.string({ maxLength: 12 }).filter((text) => !text.includes('{'));
const body = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((words) => words.join(' ')),
);

/** Timers and inbound text weigh more, so sequences often reach the reminder cap and the FAQ. */
const event: fc.Arbitrary<BotEvent> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('inbound.received' as const), body, hasMedia: fc.boolean() }), weight: 3 },
  fc.constant({ type: 'form.submitted' as const }),
  fc.constant({ type: 'photo.received' as const }),
  fc.record({ type: fc.constant('file.received' as const), messageId: fc.integer({ min: 1, max: 3 }) }),
  { arbitrary: fc.record({ type: fc.constant('timer.fired' as const), timer: fc.constantFrom('form_reminder_1', 'form_reminder_2', 'other') }), weight: 4 },
  fc.constant({ type: 'recruiter.replied' as const }),
  fc.constant({ type: 'bot.resumed' as const }),
);

const facts: fc.Arbitrary<BotFacts> = fc.record(
  {
    locale: fc.constantFrom('es' as const, 'en' as const),
    firstName: name,
    whatsappName: name,
    hasKids: fc.boolean(),
    preferredShift: fc.constantFrom(...SHIFTS),
    formLink: fc.constant(FORM_LINK),
    formSubmitted: fc.boolean(),
    agencyName: fc.constantFrom('Wasap Talent', 'Élite Modelos & Co.'),
  },
  { requiredKeys: ['locale', 'formLink', 'formSubmitted', 'agencyName'] },
);

const steps = fc.array(fc.tuple(event, facts, fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 30 });

function actionProblem(action: BotAction, now: number): string | null {
  switch (action.type) {
    case 'send':
      if (!Object.hasOwn(script.messages, action.messageKey)) return `unknown message ${action.messageKey}`;
      if (action.text.trim() === '') return 'empty text';
      return /\{[A-Za-z_]\w*\}/.test(action.text) ? `raw placeholder in ${action.text}` : null;
    case 'status':
      return (BOT_STATUSES as readonly string[]).includes(action.status) ? null : `bad status ${action.status}`;
    case 'schedule':
      return Object.hasOwn(script.timers, action.timer) && action.at > now ? null : `bad schedule ${JSON.stringify(action)}`;
    case 'cancel':
      return action.timer === '*' || Object.hasOwn(script.timers, action.timer) ? null : `bad cancel ${action.timer}`;
    case 'handoff':
      return (HANDOFF_STATUSES as readonly string[]).includes(action.status) ? null : `bad handoff ${action.status}`;
    case 'stop':
      return null;
    case 'dataRequest':
      return (DATA_SUBJECT_RIGHTS as readonly string[]).includes(action.right) ? null : `bad right ${action.right}`;
  }
}

function run(sequence: [BotEvent, BotFacts, number][]) {
  let state: BotState = initialBotState(script);
  const trace: { state: BotState; actions: BotAction[] }[] = [];
  for (const [item, itemFacts, now] of sequence) {
    const decision = interpret(state, item, script, itemFacts, now);
    trace.push(decision);
    state = decision.state;
  }
  return trace;
}

describe('interpret under random event sequences', () => {
  test('never throws, produces only valid actions and keeps a small JSON-serialisable state', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const trace = run(sequence);
        trace.forEach((decision, index) => {
          const now = sequence[index]?.[2] ?? 0;
          for (const action of decision.actions) expect(actionProblem(action, now)).toBeNull();
          expect(JSON.parse(JSON.stringify(decision.state))).toEqual(decision.state);
          expect(Object.hasOwn(script.steps, decision.state.step)).toBe(true);
        });
      }),
    );
  });

  test('same input, same output', () => {
    fc.assert(fc.property(steps, (sequence) => expect(run(sequence)).toEqual(run(sequence))));
  });

  test('reminders never exceed two; a paused bot is silent until resumed', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const trace = run(sequence);
        const reminders = trace.flatMap((decision) => decision.actions).filter((action) => action.type === 'send' && action.messageKey.startsWith('form_reminder'));
        expect(reminders.length).toBeLessThanOrEqual(2);
        trace.forEach((decision, index) => {
          const previous = index === 0 ? initialBotState(script) : (trace[index - 1] as (typeof trace)[number]).state;
          const item = sequence[index]?.[0];
          if (previous.paused && item?.type !== 'bot.resumed') expect(decision).toEqual({ state: previous, actions: [] });
          if (item?.type === 'recruiter.replied') expect(decision.state.paused).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});
