/** @module views/inbox/inbox-page.test — the whole page: live socket, CSRF header, pane structure and presence. */
import { describe, expect, test } from 'bun:test';
import { InboxPage } from './inbox-page';
import { Presence, PresencePush } from './presence';
import { SAMPLE_NOW, sampleOpen, sampleRows, sampleViewer } from './fixtures';
import { HOSTILE_TEXT, attributesOf, expectCspSafe, expectEscapedText, expectInert, parse } from './html-check';
import { translator } from '../i18n';

/** English in UTC: these tests read the second language's words; i18n.test and the browser tests read Spanish. */
const en = translator('en', 'UTC');

const listOnly = () => String(<InboxPage i18n={en} viewer={sampleViewer} filters={{ scope: 'all' }} rows={sampleRows} now={SAMPLE_NOW} />);
const withOpen = () => String(<InboxPage i18n={en} viewer={sampleViewer} filters={{ scope: 'mine' }} rows={sampleRows} open={sampleOpen} now={SAMPLE_NOW} />);

describe('InboxPage', () => {
  test('connects one socket to /live and sends the CSRF token as a header on every htmx request', () => {
    const app = attributesOf(withOpen(), 'app');
    expect(app['hx-ws:connect']).toBe('/live');
    expect(app['hx-swap']).toBe('none');
    expect(JSON.parse(app['hx-headers:inherited']!.replaceAll('&#34;', '"'))).toEqual({ 'X-CSRF-Token': 'csrf-token-123' });
  });

  test('loads htmx, its socket extension and inbox.js', () => {
    const html = withOpen();
    for (const src of ['/assets/htmx.js', '/assets/hx-ws.js', '/assets/inbox.js']) expect(html).toContain(`src="${src}"`);
  });

  test('without an open conversation: list first, no aspirant pane (mobile shows the list)', () => {
    const html = listOnly();
    expect(attributesOf(html, 'inbox').class).toBe('inbox');
    expect(html).toContain('class="pane pane-list"');
    expect(html).toContain('Pick a conversation');
    expect(parse(html).ids).not.toContain('details');
  });

  test('with an open conversation: three panes, back link, details link, highlighted row and "viewing" announcement', () => {
    const html = withOpen();
    expect(attributesOf(html, 'inbox').class).toBe('inbox has-open');
    const ids = parse(html).ids;
    for (const id of ['conv-list', 'chat', 'chat-log-12', 'composer-12', 'details', 'aspirant-12', 'presence-12']) expect(ids).toContain(id);
    expect(html).toContain('class="back" href="/inbox?scope=mine"');
    expect(html).toContain('href="#details"');
    expect(attributesOf(html, 'inbox')['data-open-id']).toBe('12');
    const current = parse(html).attributes.filter((attribute) => attribute.name === 'aria-current' && attribute.tag === 'a');
    expect(current.length).toBe(2); // the open row and the active scope tab
    expect(html).toMatch(/id="conv-row-12"[^>]*><a class="conv-link" href="[^"]*" aria-current="page"/);
    expect(html).toContain('hx-trigger="htmx:ws:after:connection from:#app"');
  });

  test('nothing inline that a strict Content-Security-Policy would block, with or without an open conversation', () => {
    expectCspSafe(listOnly());
    expectCspSafe(withOpen());
  });

  test('every id on the page is unique', () => {
    const ids = parse(withOpen()).ids;
    expect(ids.length).toBe(new Set(ids).size);
  });

  test('escapes hostile data everywhere on the page', () => {
    const row = { ...sampleRows[0]!, name: HOSTILE_TEXT, preview: HOSTILE_TEXT };
    const message = { ...sampleOpen.messages[0]!, body: HOSTILE_TEXT };
    const open = { ...sampleOpen, messages: [message], conversation: { ...sampleOpen.conversation, whatsappName: HOSTILE_TEXT, profile: undefined } };
    const html = String(
      <InboxPage
        i18n={en}
        viewer={{ ...sampleViewer, name: HOSTILE_TEXT }}
        filters={{ scope: 'all', q: HOSTILE_TEXT }}
        rows={[row]}
        open={open}
        presence={[{ name: HOSTILE_TEXT, typing: true }]}
        now={SAMPLE_NOW}
      />,
    );
    // htmx, its WebSocket extension, inbox.js and push.js: nothing else.
    expectInert(html, { scripts: 4 });
    expectEscapedText(html);
  });
});

describe('Presence', () => {
  test('says who is typing and who is viewing, leaving out the viewer', () => {
    const people = [
      { userId: 1, name: 'Ana', typing: false },
      { userId: 2, name: 'Luis', typing: true },
      { userId: 3, name: 'Caro', typing: false },
    ];
    expect(String(<Presence i18n={en} conversationId={4} people={people} viewerId={1} />)).toContain('>Luis is typing… · Caro is viewing<');
  });

  test('stays in the page empty so a push has a target, and the push is out of band', () => {
    expect(attributesOf(String(<Presence i18n={en} conversationId={4} people={[]} />), 'presence-4').class).toBe('presence');
    expect(attributesOf(String(<PresencePush i18n={en} conversationId={4} people={[{ name: 'Ana', typing: false }]} />), 'presence-4')['hx-swap-oob']).toBe('true');
  });

  test('escapes names', () => {
    const html = String(<Presence i18n={en} conversationId={4} people={[{ name: HOSTILE_TEXT, typing: false }]} />);
    expectInert(html);
    expectEscapedText(html);
  });
});

describe('DeadLetterNotice', () => {
  test('events that could not be processed are shown above the chat with the command that re-drives them, escaped', () => {
    const letters = [{ id: 7, type: 'inbound.received', error: HOSTILE_TEXT, at: SAMPLE_NOW }];
    const html = String(<InboxPage i18n={en} viewer={sampleViewer} filters={{ scope: 'mine' }} rows={sampleRows} open={{ ...sampleOpen, deadLetters: letters }} now={SAMPLE_NOW} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('An event of this conversation could not be processed.');
    expect(html).toContain('wasap dead-letters retry 7');
    expectEscapedText(html);
    expect(withOpen()).not.toContain('could not be processed');
  });
});
