/** @module views/inbox/conversation-list.test — rows escape names and previews, keep stable ids, and push to the top of the list. */
import { describe, expect, test } from 'bun:test';
import { ConversationList, ConversationRow, ConversationRowPush, ConversationRowReplace, ListFilters, UnreadBadge } from './conversation-list';
import { SAMPLE_NOW, sampleRows } from './fixtures';
import { HOSTILE_TEXT, attributesOf, expectEscapedText, expectInert, parse } from './html-check';
import type { ConversationRowView, InboxFilters } from './types';
import { translator } from '../i18n';

/** English in UTC: these tests read the second language's words; i18n.test and the browser tests read Spanish. */
const en = translator('en', 'UTC');

const filters: InboxFilters = { scope: 'mine', status: 'open' };
const hostileRow: ConversationRowView = {
  id: 5,
  name: HOSTILE_TEXT,
  contact: '+573001234567',
  preview: HOSTILE_TEXT,
  lastMessageAt: SAMPLE_NOW,
  unread: 3,
  status: 'needs_attention',
  assignee: { id: 2, name: HOSTILE_TEXT },
  optedOut: true,
  waitingSince: null,
  windowClosesAt: null,
  lastFromAspirant: true,
};

describe('ConversationRow', () => {
  test('escapes the name, preview and assignee', () => {
    const html = String(<ConversationRow i18n={en} row={hostileRow} filters={filters} now={SAMPLE_NOW} />);
    expectInert(html);
    expectEscapedText(html);
  });

  test('has the stable id, a link that keeps the filters, the unread badge, status and opt-out', () => {
    const html = String(<ConversationRow i18n={en} row={hostileRow} filters={filters} now={SAMPLE_NOW} />);
    expect(parse(html).ids).toEqual(['conv-row-5', 'unread-5']);
    expect(html).toContain('href="/inbox/5?scope=mine&status=open"');
    expect(html).toContain('>3</span>');
    expect(html).toContain('Needs attention');
    expect(html).toContain('Opted out');
  });

  test('shows "Unassigned" and no badge when nothing is unread', () => {
    const html = String(<ConversationRow i18n={en} row={{ ...sampleRows[1]!, unread: 0 }} filters={filters} now={SAMPLE_NOW} />);
    expect(html).toContain('Unassigned');
    expect(attributesOf(html, 'unread-9').class).toBe('badge is-empty');
  });
});

describe('ConversationRowPush', () => {
  test('deletes the old row and prepends the new one to #conv-list', () => {
    const html = String(<ConversationRowPush i18n={en} row={hostileRow} filters={filters} now={SAMPLE_NOW} />);
    const oob = parse(html).attributes.filter((attribute) => attribute.name === 'hx-swap-oob');
    expect(oob.map((attribute) => attribute.value)).toEqual(['delete', 'afterbegin:#conv-list']);
    expect(html.indexOf('hx-swap-oob="delete"')).toBeLessThan(html.indexOf('afterbegin:#conv-list'));
    expect(parse(html).ids).toEqual(['conv-row-5', 'conv-row-5', 'unread-5']);
    expectInert(html);
  });
});

describe('ConversationRowReplace', () => {
  test('replaces the row where it is: one element, swapped out of band by its id, never moved or inserted', () => {
    const html = String(<ConversationRowReplace i18n={en} row={hostileRow} filters={filters} now={SAMPLE_NOW} />);
    const oob = parse(html).attributes.filter((attribute) => attribute.name === 'hx-swap-oob');
    expect(oob.map((attribute) => attribute.value)).toEqual(['true']);
    expect(attributesOf(html, 'conv-row-5')['hx-swap-oob']).toBe('true');
    expect(parse(html).ids).toEqual(['conv-row-5', 'unread-5']);
    expectInert(html);
  });
});

describe('UnreadBadge', () => {
  test('caps at 99+ and swaps itself out of band when pushed', () => {
    const html = String(<UnreadBadge i18n={en} conversationId={4} count={120} oob />);
    expect(attributesOf(html, 'unread-4')['hx-swap-oob']).toBe('true');
    expect(html).toContain('99+');
  });
});

describe('ConversationList', () => {
  test('renders every row in order under #conv-list with a "load more" item', () => {
    const html = String(<ConversationList i18n={en} rows={sampleRows} filters={{ scope: 'all' }} nextCursor="c-9" now={SAMPLE_NOW} />);
    const rowIds = parse(html).ids.filter((id) => id.startsWith('conv-row-'));
    expect(rowIds).toEqual(sampleRows.map((row) => `conv-row-${row.id}`));
    expect(parse(html).ids[0]).toBe('conv-list');
    const more = attributesOf(html, 'conv-list-more');
    expect(more.class).toBe('list-more');
    expect(html).toContain('hx-get="/inbox?scope=all&cursor=c-9"');
    expect(html).toContain('hx-select="#conv-list > li:not([hidden])"');
  });

  test('echoes a hostile search query escaped when nothing matches', () => {
    const html = String(<ConversationList i18n={en} rows={[]} filters={{ scope: 'all', q: HOSTILE_TEXT }} now={SAMPLE_NOW} />);
    expectInert(html);
    expectEscapedText(html);
  });
});

describe('ListFilters', () => {
  test('keeps a hostile query inside the value attribute and marks the active tab and chip', () => {
    const html = String(<ListFilters i18n={en} filters={{ scope: 'unassigned', status: 'new', q: HOSTILE_TEXT }} />);
    expectInert(html);
    const search = parse(html).attributes.find((attribute) => attribute.tag === 'input' && attribute.name === 'value' && attribute.value.includes('alert'));
    expect(search?.value).not.toContain('"');
    expect(html).toMatch(/class="tab is-active"[^>]*>Unassigned</);
    expect(html).toMatch(/class="chip is-active"[^>]*>New</);
  });
});

describe('who is waiting', () => {
  const es = translator('es', 'UTC');
  const waiting = sampleRows[0]!;
  const ours = sampleRows.find((row) => !row.lastFromAspirant && row.waitingSince === null)!;

  test('a row whose aspirant waits says for how long (and since when, in the title), and warns of a window closing within 2 h', () => {
    const html = String(<ConversationRow i18n={es} row={waiting} filters={filters} now={SAMPLE_NOW} />);
    // 15:10 → 15:42: she has waited 32 minutes; the window closes at 16:38, 56 minutes from now.
    expect(html).toContain('Espera hace 32 min');
    expect(html).toContain('Esperando nuestra respuesta desde');
    expect(html).toContain('Ventana: 56 min');
    expect(attributesOf(html, `conv-row-${waiting.id}`)['data-waiting-since']).toBe(waiting.waitingSince!.toISOString());
    expect(html).not.toContain('Nosotros:');
  });

  test('a row where we wrote last says so before the preview, and neither waits nor warns', () => {
    const html = String(<ConversationRow i18n={es} row={ours} filters={filters} now={SAMPLE_NOW} />);
    expect(html).toContain('<span class="conv-who">Nosotros: </span>');
    expect(html).not.toContain('Espera hace');
    expect(html).not.toContain('Ventana:');
    expect(String(<ConversationRow i18n={en} row={ours} filters={filters} now={SAMPLE_NOW} />)).toContain('Us: ');
  });

  test('a window more than 2 h from closing, or already closed, is not warned of', () => {
    for (const hours of [2.5, -1]) {
      const row = { ...waiting, windowClosesAt: new Date(SAMPLE_NOW.getTime() + hours * 3_600_000) };
      expect(String(<ConversationRow i18n={es} row={row} filters={filters} now={SAMPLE_NOW} />)).not.toContain('Ventana:');
    }
  });

  test('the "waiting for us" chip links to status=waiting and the list it shows is ordered by wait on the page', () => {
    const chips = String(<ListFilters i18n={es} filters={{ scope: 'all', status: 'waiting' }} />);
    expect(chips).toContain('href="/inbox?scope=all&status=waiting" class="chip chip-waiting is-active" aria-current="page">Esperando respuesta</a>');
    expect(String(<ConversationList i18n={es} rows={[waiting]} filters={{ scope: 'all', status: 'waiting' }} />)).toContain('data-order="waiting"');
    expect(String(<ConversationList i18n={es} rows={[waiting]} filters={{ scope: 'all' }} />)).not.toContain('data-order');
  });

  test('the Spanish row names status, assignee and media in Spanish, and the time in the reader’s zone', () => {
    const photo = { ...ours, preview: '📷 Photo', status: 'needs_attention' as const, assignee: undefined, lastMessageAt: new Date(Date.UTC(2025, 2, 12, 3, 5)) };
    const bogota = translator('es', 'America/Bogota');
    const html = String(<ConversationRow i18n={bogota} row={photo} filters={filters} now={SAMPLE_NOW} />);
    expect(html).toContain('📷 Foto');
    expect(html).toContain('Requiere atención');
    expect(html).toContain('Sin asignar');
    // 03:05 UTC on the 12th is 22:05 on the 11th in Bogotá: yesterday there.
    expect(html).toContain('>Ayer</time>');
  });
});
