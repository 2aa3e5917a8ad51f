/** @module actors/bot/privacy.test — the script's `privacy:` section: parsed and checked, and the interpreter's requests. */
import { describe, expect, test } from 'bun:test';
import { initialBotState, interpret } from './interpreter';
import { parseScript } from './script';
import { facts, loadDefaultScript } from './test-support';

const dueDate = (right: string) => `día de ${right}`;

describe('privacy keywords in the default script', () => {
  test('the first entry that matches opens its request and answers with {dueDate}; the step stays', async () => {
    const script = await loadDefaultScript();
    const state = { ...initialBotState(script), step: 'awaiting_form' };
    const decision = interpret(state, { type: 'inbound.received', body: 'Quiero BORRAR mis datos', hasMedia: false }, script, facts({ dueDate }), 0);
    expect(decision.state).toEqual(state);
    expect(decision.actions[0]).toEqual({ type: 'dataRequest', right: 'erasure' });
    expect(decision.actions[1]).toMatchObject({ type: 'send', messageKey: 'privacy_erasure' });
    expect(decision.actions[1]!.type === 'send' && decision.actions[1]!.text).toContain('día de erasure');
    expect(decision.actions).toHaveLength(2);
  });

  test('answered while a recruiter has the conversation; nothing without the server’s terms, nothing once stopped', async () => {
    const script = await loadDefaultScript();
    const paused = { ...initialBotState(script), step: 'with_recruiter', paused: true };
    const words = { type: 'inbound.received' as const, body: 'mis datos', hasMedia: false };
    expect(interpret(paused, words, script, facts({ dueDate }), 0).actions[0]).toEqual({ type: 'dataRequest', right: 'access' });
    expect(interpret(paused, words, script, facts(), 0).actions).toEqual([]);
    expect(interpret({ ...paused, stopped: true }, words, script, facts({ dueDate }), 0).actions).toEqual([]);
  });

  test('a minor waits for her guardian: no photo request until guardian.authorised', async () => {
    const script = await loadDefaultScript();
    const waiting = { ...initialBotState(script), step: 'awaiting_form' };
    const form = interpret(waiting, { type: 'form.submitted' }, script, facts({ formSubmitted: true, minor: true }), 0);
    expect(form.state.step).toBe('awaiting_guardian');
    expect(form.actions.flatMap((a) => (a.type === 'send' ? [a.messageKey] : []))).toEqual(['guardian_pending']);
    expect(form.actions).toContainEqual({ type: 'status', status: 'needs_attention' });
    const photo = interpret(form.state, { type: 'photo.received' }, script, facts({ formSubmitted: true, minor: true }), 0);
    expect(photo.state.step).toBe('awaiting_guardian');
    const yes = interpret(form.state, { type: 'guardian.authorised' }, script, facts({ formSubmitted: true, minor: true, guardianAuthorised: true }), 0);
    expect(yes.state.step).toBe('awaiting_photo');
    const no = interpret(form.state, { type: 'guardian.declined' }, script, facts({ formSubmitted: true, minor: true }), 0);
    expect(no.state.step).toBe('guardian_declined');
    expect(no.actions).toContainEqual({ type: 'handoff', status: 'needs_attention' });
  });
});

describe('the privacy section is checked', () => {
  const base = (privacy: string, extra = '') => `name: t
locales: [es]
start: a
steps:
  a:
messages:
  ack:
    es: "Listo, antes del {dueDate}"
  other:
    es: "Hola${extra}"
${privacy}`;

  test('a good entry parses; {dueDate} is refused outside a privacy answer', () => {
    const ok = parseScript(base('privacy:\n  erase:\n    right: erasure\n    keywords: [borrar mis datos]\n    answer: ack\n'));
    expect(ok.ok && ok.script.privacy).toEqual([{ right: 'erasure', keywords: { '*': ['borrar mis datos'] }, answer: 'ack' }]);
    const outside = parseScript(base('privacy:\n  erase:\n    right: erasure\n    keywords: [borrar]\n    answer: ack\n', ' {dueDate}'));
    expect(outside.ok ? [] : outside.problems.map((p) => p.path)).toEqual(['messages.other.es']);
    const none = parseScript(base(''));
    expect(none.ok ? [] : none.problems.map((p) => p.path)).toEqual(['messages.ack.es']);
  });

  test('an unknown right or message is named', () => {
    const bad = parseScript(base('privacy:\n  x:\n    right: forget\n    keywords: [borrar]\n    answer: akc\n'));
    // `ack` answers no entry that checked out, so its {dueDate} is refused too.
    expect(bad.ok ? [] : bad.problems.map((p) => `${p.path}: ${p.message.slice(0, 24)}`)).toEqual([
      "messages.ack.es: unknown variable '{dueDa",
      "privacy.x.right: unknown right 'forget'; ",
      "privacy.x.answer: unknown message 'akc'",
    ]);
  });
});
