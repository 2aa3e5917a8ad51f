/** @module actors/bot/script.test — the default script is valid, and each kind of mistake is reported with its path and line. */
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { DEFAULT_SCRIPT_URL, formatProblems, parseScript, type ScriptProblem } from './script';

/** A small valid script; the cases below change one line of it (line numbers in comments). */
const BASE = [
  'name: test', // 1
  'locales: [es, en]', // 2
  'timers:', // 3
  '  nudge: 4h', // 4
  'start: hello', // 5
  'steps:', // 6
  '  hello:', // 7
  '    on:', // 8
  '      inbound.received:', // 9
  '        - actions:', // 10
  '            - send: welcome', // 11
  '            - schedule: nudge', // 12
  '          goto: waiting', // 13
  '  waiting:', // 14
  '    on:', // 15
  '      timer.fired:', // 16
  '        - timer: nudge', // 17
  '          actions:', // 18
  '            - remind: welcome', // 19
  'faq:', // 20
  '  pay:', // 21
  '    keywords:', // 22
  '      es: [pago]', // 23
  '      en: [pay]', // 24
  '    answer: welcome', // 25
  'messages:', // 26
  '  welcome:', // 27
  '    es: "Hola {firstName}: {formLink}"', // 28
  '    en: "Hi {firstName}: {formLink}"', // 29
];

/** BASE with line `line` (1-based) replaced by `text` (which may hold several lines), or removed when text is null. */
function edit(line: number, text: string | null): string {
  const lines = [...BASE];
  lines.splice(line - 1, 1, ...(text === null ? [] : [text]));
  return `${lines.join('\n')}\n`;
}

function problems(yaml: string): ScriptProblem[] {
  const result = parseScript(yaml);
  if (result.ok) throw new Error('expected problems, the script parsed');
  return result.problems;
}

describe('parseScript', () => {
  test('the default intake script parses with no problems', async () => {
    const result = parseScript(await Bun.file(DEFAULT_SCRIPT_URL).text());
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.script.name).toBe('intake');
    expect(result.script.locales).toEqual(['es', 'en']);
    expect(result.script.defaultLocale).toBe('es');
    expect(result.script.timers).toEqual({ form_reminder_1: 4 * 3_600_000, form_reminder_2: 23 * 3_600_000 });
    expect(result.script.faq.map((entry) => entry.id)).toEqual(['pay', 'safety', 'schedule']);
    // The parsed script is plain data: it can be stored as JSON and pinned per conversation.
    expect(JSON.parse(JSON.stringify(result.script))).toEqual(result.script);
  });

  test('the base script of these tests is valid', () => {
    const result = parseScript(edit(1, 'name: test'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.script.steps.hello?.on['inbound.received']).toEqual([
      {
        actions: [
          { type: 'send', message: 'welcome' },
          { type: 'schedule', timer: 'nudge', afterMs: 14_400_000 },
        ],
        goto: 'waiting',
      },
    ]);
    expect(result.script.faq).toEqual([{ id: 'pay', keywords: { es: ['pago'], en: ['pay'] }, answer: 'welcome' }]);
  });

  const cases: [string, string, ScriptProblem[]][] = [
    [
      'unknown message reference',
      edit(11, '            - send: welcom'),
      [{ path: 'steps.hello.on.inbound.received[0].actions[0].send', line: 11, column: 21, message: "unknown message 'welcom' (did you mean 'welcome'?)" }],
    ],
    [
      'unknown step in goto',
      edit(13, '          goto: wating'),
      [{ path: 'steps.hello.on.inbound.received[0].goto', line: 13, column: 17, message: "unknown step 'wating' (did you mean 'waiting'?)" }],
    ],
    ['unknown timer', edit(17, '        - timer: nudge2'), [{ path: 'steps.waiting.on.timer.fired[0].timer', line: 17, column: 18, message: "unknown timer 'nudge2' (did you mean 'nudge'?)" }]],
    [
      'bad duration',
      edit(4, '  nudge: 4 hours'),
      [{ path: 'timers.nudge', line: 4, column: 10, message: "bad duration '4 hours': use a whole number followed by m, h or d, e.g. 30m, 4h, 1d (at most 90 days)" }],
    ],
    ['missing locale text', edit(29, null), [{ path: 'messages.welcome.en', line: 27, column: 3, message: "missing 'en' text" }]],
    [
      'unknown variable',
      edit(28, '    es: "Hola {firstname}: {formLink}"'),
      [{ path: 'messages.welcome.es', line: 28, column: 9, message: "unknown variable '{firstname}' (did you mean 'firstName'?); known: firstName, whatsappName, formLink, agencyName" }],
    ],
    [
      'invalid regex',
      edit(10, '        - regex: "(["\n          actions:'),
      [{ path: 'steps.hello.on.inbound.received[0].regex', line: 10, column: 18, message: 'invalid regex: error parsing regexp: missing closing ]: `[`' }],
    ],
    [
      'status outside the list',
      edit(12, '            - status: archived'),
      [
        {
          path: 'steps.hello.on.inbound.received[0].actions[1].status',
          line: 12,
          column: 23,
          message: "unknown status 'archived'; expected one of: new, open, pending_form, pending_photo, needs_attention, closed",
        },
      ],
    ],
    [
      'hand-off status outside the list',
      edit(12, '            - handoff: closed'),
      [{ path: 'steps.hello.on.inbound.received[0].actions[1].handoff', line: 12, column: 24, message: "unknown hand-off status 'closed'; expected one of: needs_attention, open" }],
    ],
    ['unknown top-level key', edit(20, 'faqs:'), [{ path: 'faqs', line: 20, column: 1, message: "unknown key 'faqs' (did you mean 'faq'?)" }]],
    [
      'unknown event',
      edit(9, '      inbound.recieved:'),
      [{ path: 'steps.hello.on.inbound.recieved', line: 9, column: 7, message: "unknown key 'inbound.recieved' (did you mean 'inbound.received'?)" }],
    ],
    [
      'unknown condition fact',
      edit(10, '        - if: { hasKid: true }\n          actions:'),
      [{ path: 'steps.hello.on.inbound.received[0].if.hasKid', line: 10, column: 17, message: "unknown key 'hasKid' (did you mean 'hasKids'?)" }],
    ],
    [
      'filter that does not apply to the event',
      edit(17, '        - keywords: [hola]'),
      [{ path: 'steps.waiting.on.timer.fired[0].keywords', line: 17, column: 21, message: "'keywords' only applies to inbound.received" }],
    ],
    [
      'action after stop',
      edit(11, '            - stop\n            - send: welcome'),
      [{ path: 'steps.hello.on.inbound.received[0].actions[0]', line: 11, column: 15, message: "'stop' must be the last action: nothing after it runs" }],
    ],
    [
      'two actions in one item',
      edit(11, '            - send: welcome\n              status: open'),
      [{ path: 'steps.hello.on.inbound.received[0].actions[0]', line: 11, column: 15, message: "one action per list item: write '- send' and '- status' as separate items" }],
    ],
    [
      'last variant with a condition',
      edit(27, '  welcome:\n    - if: { hasKids: true }\n      es: a\n      en: b\n  other:'),
      [{ path: 'messages.welcome[0]', line: 28, column: 7, message: "the last variant must have no 'if': it is sent when no condition holds" }],
    ],
    ['missing required key', edit(5, null), [{ path: 'start', line: 1, column: 1, message: "'start' is required" }]],
    ['unknown start step', edit(5, 'start: helo'), [{ path: 'start', line: 5, column: 8, message: "unknown step 'helo' (did you mean 'hello'?)" }]],
    ['empty FAQ keyword list for a locale', edit(24, '      en: []'), [{ path: 'faq.pay.keywords.en', line: 24, column: 11, message: 'the keyword list is empty' }]],
  ];

  for (const [kind, yaml, expected] of cases) {
    test(`reports ${kind} with its path and line`, () => {
      expect(problems(yaml)).toEqual(expected);
    });
  }

  test('an unknown locale is named, and text for a locale the script does not declare is flagged', () => {
    expect(problems(edit(2, 'locales: [es, fr]'))).toEqual([
      { path: 'locales[1]', line: 2, column: 15, message: "unknown locale 'fr'; expected one of: es, en" },
      { path: 'faq.pay.keywords.en', line: 24, column: 11, message: "locale 'en' is not in the script's locales (es)" },
      { path: 'messages.welcome.en', line: 29, column: 9, message: "locale 'en' is not in the script's locales (es)" },
    ]);
  });

  test('YAML syntax errors carry line and column', () => {
    const found = problems('name: test\nlocales: [es, en\nstart: x\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((problem) => problem.path === '(yaml)' && typeof problem.line === 'number' && typeof problem.column === 'number')).toBe(true);
    expect(problems('name: a\nname: b\n')).toEqual([{ path: '(yaml)', line: 2, column: 1, message: 'Map keys must be unique' }]);
  });

  test('a script that is not a mapping is one problem at the top level', () => {
    expect(problems('- just\n- a list\n')).toEqual([{ path: '(top level)', line: 1, column: 1, message: 'expected a mapping (key: value), found a list' }]);
  });

  test('a broken timer is reported once, not again at every reference', () => {
    expect(problems(edit(4, '  nudge: 0m')).map((problem) => problem.path)).toEqual(['timers.nudge']);
  });
});

describe('parseScript on damaged input', () => {
  test('never throws; every problem has a path and a real position when it has one', async () => {
    const lines = (await Bun.file(DEFAULT_SCRIPT_URL).text()).split('\n');
    const damaged = fc.oneof(
      fc.string({ maxLength: 200 }),
      // Drop, duplicate or truncate one line of the default script: the mistakes of a hand edit.
      fc.tuple(fc.nat(lines.length - 1), fc.constantFrom('drop', 'dup', 'cut')).map(([index, how]) => {
        const copy = [...lines];
        const line = copy[index] ?? '';
        if (how === 'drop') copy.splice(index, 1);
        else if (how === 'dup') copy.splice(index, 0, line);
        else copy[index] = line.slice(0, Math.ceil(line.length / 2));
        return copy.join('\n');
      }),
    );
    fc.assert(
      fc.property(damaged, (yaml) => {
        const result = parseScript(yaml);
        for (const problem of result.ok ? [] : result.problems) {
          expect(problem.path.length).toBeGreaterThan(0);
          if (problem.line !== undefined) expect(problem.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('formatProblems', () => {
  test('file:line:column path: message, one per line', () => {
    const found = problems(edit(11, '            - send: welcom'));
    expect(formatProblems(found, 'intake.yaml')).toBe("intake.yaml:11:21 steps.hello.on.inbound.received[0].actions[0].send: unknown message 'welcom' (did you mean 'welcome'?)");
    expect(
      formatProblems([
        { path: 'start', message: 'x' },
        { path: 'name', line: 3, column: 2, message: 'y' },
      ]),
    ).toBe('start: x\n3:2 name: y');
  });
});

describe('parseScript against scripts built to be slow', () => {
  test('YAML aliases are refused where the first one is, before anything is resolved', async () => {
    const text = (await Bun.file(DEFAULT_SCRIPT_URL).text()).replace('defaultLocale: es', 'defaultLocale: &lang es\nnote: *lang');
    const result = parseScript(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const line = text.split('\n').indexOf('note: *lang') + 1;
    expect(result.problems).toEqual([expect.objectContaining({ line, message: 'YAML aliases (*lang) are not allowed in a script: write the value out' })]);
  });

  test('a very long unknown name is reported without a "did you mean"', async () => {
    const text = (await Bun.file(DEFAULT_SCRIPT_URL).text()).replace(/^start: .*$/m, `start: ${'b'.repeat(5000)}`);
    const result = parseScript(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.path === 'start');
    expect(problem?.message).toStartWith('unknown step');
    expect(problem?.message).not.toContain('did you mean');
  });
});
