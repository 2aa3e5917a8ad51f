/** @module views/inbox/aspirant-panel.test — the aspirant pane: escaping, stable ids, forms and their out-of-band pushes. */
import { describe, expect, test } from 'bun:test';
import { AspirantPanel, AspirantPanelPush, BotControls, EventHistory, NoteAppend } from './aspirant-panel';
import { sampleOpen } from './fixtures';
import { HOSTILE_TEXT, attributesOf, expectEscapedText, expectInert, parse } from './html-check';
import type { AspirantPanelView } from './types';
import { translator } from '../i18n';

/** English in UTC: these tests read the second language's words; i18n.test and the browser tests read Spanish. */
const en = translator('en', 'UTC');

const view = sampleOpen.conversation;
const hostile: AspirantPanelView = {
  ...view,
  whatsappName: HOSTILE_TEXT,
  profile: { ...view.profile, firstName: HOSTILE_TEXT, email: HOSTILE_TEXT, location: HOSTILE_TEXT, notes: HOSTILE_TEXT },
  bot: { script: HOSTILE_TEXT, step: HOSTILE_TEXT, paused: true },
  assignee: { id: 9, name: HOSTILE_TEXT },
  recruiters: [{ id: 9, name: HOSTILE_TEXT }],
  notes: [{ id: 3, authorName: HOSTILE_TEXT, body: HOSTILE_TEXT, createdAt: new Date() }],
  events: [{ at: new Date(), type: HOSTILE_TEXT }],
};

describe('AspirantPanel', () => {
  test('escapes every aspirant- and recruiter-supplied string', () => {
    const html = String(<AspirantPanel i18n={en} view={hostile} csrf="tok" />);
    expectInert(html);
    expectEscapedText(html);
  });

  test('has the stable id and the form data with shift preferences', () => {
    const html = String(<AspirantPanel i18n={en} view={view} csrf="tok" />);
    expect(parse(html).ids[0]).toBe('aspirant-12');
    for (const text of ['Valentina Gómez', '+573001234567', 'Morning', 'Evening', 'Commercial and Runway', 'Medellín, Antioquia', 'only recruiters see these']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('src="/media/301"');
  });

  test('selectors post status and assignee on change, with the current values selected', () => {
    const html = String(<AspirantPanel i18n={en} view={view} csrf="tok" />);
    expect(html).toContain('hx-post="/inbox/12/status" hx-trigger="change" hx-target="#aspirant-12" hx-swap="outerHTML"');
    expect(html).toContain('hx-post="/inbox/12/assign" hx-trigger="change"');
    expect(html).toContain('<option value="needs_attention" selected>Needs attention</option>');
    expect(html).toContain('<option value="1" selected>Ana Restrepo</option>');
    expect(html.match(/name="_csrf" value="tok"/g)?.length).toBe(4);
  });

  test('says when the form has not been submitted and when the aspirant opted out', () => {
    const html = String(<AspirantPanel i18n={en} view={{ ...view, profile: undefined, optedOutAt: new Date(2025, 0, 2) }} />);
    expect(html).toContain('The form has not been submitted yet.');
    expect(html).toContain('Opted out');
  });
});

describe('BotControls', () => {
  test('a paused bot gets a resume button posting /bot/resume', () => {
    const html = String(<BotControls i18n={en} conversationId={12} bot={{ paused: true, step: 'photo' }} />);
    expect(html).toContain('hx-post="/inbox/12/bot/resume"');
    expect(html).toContain('Resume bot');
  });

  test('a running bot has no resume button', () => {
    expect(String(<BotControls i18n={en} conversationId={12} bot={{ paused: false }} />)).not.toContain('/bot/resume');
  });
});

describe('EventHistory', () => {
  test('lists events newest first', () => {
    const html = String(
      <EventHistory
        i18n={en}
        events={[
          { at: new Date(1), type: 'inbound.received' },
          { at: new Date(2), type: 'form.submitted' },
          { at: new Date(3), type: 'some.future_event' },
        ]}
      />,
    );
    expect(html.indexOf('Form submitted')).toBeLessThan(html.indexOf('Message received'));
    // A type the catalogue does not name is an "Event", never a code.
    expect(html.indexOf('Event<')).toBeLessThan(html.indexOf('Form submitted'));
    expect(html).not.toContain('some.future_event');
  });
});

describe('history details', () => {
  test('an assignment names whom, a status change its label, and each says who did it', () => {
    const es = translator('es', 'UTC');
    const html = String(
      <EventHistory
        i18n={es}
        events={[
          { at: new Date(3), type: 'conversation.assigned', assignee: 'Ana <b>', by: 'Luis' },
          { at: new Date(2), type: 'conversation.assigned', assignee: null, by: 'Ana' },
          { at: new Date(1), type: 'conversation.status_changed', status: 'needs_attention', by: 'Ana' },
        ]}
      />,
    );
    expect(html).toContain('Asignada a Ana &lt;b&gt; · Luis');
    expect(html).toContain('Asignación quitada · Ana');
    expect(html).toContain('Estado: Requiere atención · Ana');
  });
});

describe('pushes', () => {
  test('AspirantPanelPush replaces aspirant-<id> out of band, without CSRF fields, keeping the note draft', () => {
    const html = String(<AspirantPanelPush i18n={en} view={view} />);
    expect(attributesOf(html, 'aspirant-12')['hx-swap-oob']).toBe('true');
    expect(html).not.toContain('_csrf');
    expect(attributesOf(html, 'note-text-12')['hx-preserve']).toBe('');
    // The chat header's name travels with it (a submitted form renames the conversation live).
    expect(attributesOf(html, 'chat-title-12')['hx-swap-oob']).toBe('true');
  });

  test('the pushed chat title escapes a hostile name', () => {
    const html = String(<AspirantPanelPush i18n={en} view={hostile} />);
    expect(attributesOf(html, `chat-title-${hostile.conversationId}`)['hx-swap-oob']).toBe('true');
    expectInert(html);
  });

  test('NoteAppend appends to notes-<id> without duplicating and escapes', () => {
    const html = String(<NoteAppend i18n={en} conversationId={12} note={hostile.notes[0]!} />);
    const oob = parse(html).attributes.filter((attribute) => attribute.name === 'hx-swap-oob');
    expect(oob.map((attribute) => attribute.value)).toEqual(['delete', 'beforeend:#notes-12']);
    expectInert(html);
    expectEscapedText(html);
  });
});
