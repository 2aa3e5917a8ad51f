/** @module actors/bot/photos.test — the `photosAuthorised` condition (Law 1581 Arts. 5–6) in the checker and the default script. */
import { describe, expect, test } from 'bun:test';
import { holds, initialBotState, interpret, type BotAction } from './interpreter';
import { parseScript } from './script';
import { facts, loadDefaultScript } from './test-support';

const sent = (actions: BotAction[]) => actions.flatMap((a) => (a.type === 'send' ? [a.messageKey] : []));

describe('photosAuthorised', () => {
  test('unknown counts as authorised (a form from before the photos box); a boolean must match', () => {
    expect(holds({ photosAuthorised: true }, facts())).toBe(true);
    expect(holds({ photosAuthorised: false }, facts())).toBe(false);
    expect(holds({ photosAuthorised: false }, facts({ photosAuthorised: false }))).toBe(true);
    expect(holds({ photosAuthorised: true }, facts({ photosAuthorised: false }))).toBe(false);
  });

  test('the checker accepts it as a boolean and refuses anything else', () => {
    const script = (value: string) =>
      `name: t\nlocales: [es]\nstart: a\nsteps:\n  a:\n    on:\n      form.submitted:\n        - if: { photosAuthorised: ${value} }\n          actions:\n            - send: hi\nmessages:\n  hi:\n    es: Hola\n`;
    expect(parseScript(script('false')).ok).toBe(true);
    const bad = parseScript(script('maybe'));
    expect(bad.ok).toBe(false);
  });
});

describe('the default script without her photos authorisation', () => {
  test('an adult who left the box unticked gets a kind word and a recruiter, no photo request', async () => {
    const script = await loadDefaultScript();
    const waiting = { ...initialBotState(script), step: 'awaiting_form' };
    const no = interpret(waiting, { type: 'form.submitted' }, script, facts({ formSubmitted: true, photosAuthorised: false }), 0);
    expect(no.state.step).toBe('with_recruiter');
    expect(sent(no.actions)).toEqual(['form_received_no_photo']);
    expect(no.actions).toContainEqual({ type: 'handoff', status: 'needs_attention' });
    // A photo she sends anyway moves nothing: the recruiter sees it in the conversation.
    expect(interpret(no.state, { type: 'photo.received' }, script, facts({ formSubmitted: true, photosAuthorised: false }), 0).actions).toEqual([]);
    const yes = interpret(waiting, { type: 'form.submitted' }, script, facts({ formSubmitted: true, photosAuthorised: true }), 0);
    expect(yes.state.step).toBe('awaiting_photo');
    expect(sent(yes.actions)).toEqual(['photo_request']);
  });

  test('a minor without the box: the guardian flow runs, then a recruiter instead of the photo step', async () => {
    const script = await loadDefaultScript();
    const minor = { formSubmitted: true, minor: true, photosAuthorised: false };
    const form = interpret({ ...initialBotState(script), step: 'awaiting_form' }, { type: 'form.submitted' }, script, facts(minor), 0);
    expect(form.state.step).toBe('awaiting_guardian');
    const yes = interpret(form.state, { type: 'guardian.authorised' }, script, facts({ ...minor, guardianAuthorised: true }), 0);
    expect(yes.state.step).toBe('with_recruiter');
    expect(sent(yes.actions)).toEqual(['guardian_authorised_no_photo']);
    const resumed = interpret({ ...form.state, paused: true }, { type: 'bot.resumed' }, script, facts({ ...minor, guardianAuthorised: true }), 0);
    expect(sent(resumed.actions)).toEqual(['guardian_authorised_no_photo']);
  });

  test('a new form that unticks the box stops the photo request', async () => {
    const script = await loadDefaultScript();
    const again = interpret({ ...initialBotState(script), step: 'awaiting_photo' }, { type: 'form.submitted' }, script, facts({ formSubmitted: true, photosAuthorised: false }), 0);
    expect(again.state.step).toBe('with_recruiter');
    expect(sent(again.actions)).toEqual(['form_received_no_photo']);
    const ticked = interpret({ ...initialBotState(script), step: 'awaiting_photo' }, { type: 'form.submitted' }, script, facts({ formSubmitted: true }), 0);
    expect(ticked.actions).toEqual([]);
  });
});
