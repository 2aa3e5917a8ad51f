/** @module views/inbox/messages.test — bubbles escape text and errors, ticks follow the delivery status, pushes are out of band. */
import { describe, expect, test } from 'bun:test';
import { ChatLog, DeliveryTicks, LoadOlder, MessageAppend, MessageBubble, MessageReplace } from './messages';
import { SAMPLE_NOW, sampleMessages } from './fixtures';
import { HOSTILE_TEXT, attributesOf, expectEscapedText, expectInert, parse } from './html-check';
import type { DeliveryStatus, MessageView } from './types';
import { translator } from '../i18n';

/** English in UTC: these tests read the second language's words; i18n.test and the browser tests read Spanish. */
const en = translator('en', 'UTC');

const hostile: MessageView = {
  id: 42,
  sender: 'recruiter',
  authorName: HOSTILE_TEXT,
  body: HOSTILE_TEXT,
  createdAt: SAMPLE_NOW,
  status: 'failed',
  // A code without a plain reason: the provider's words are shown, visible and in the title.
  errorCode: 30008,
  errorMessage: HOSTILE_TEXT,
  media: [
    { id: 7, kind: 'document', contentType: HOSTILE_TEXT, state: 'stored' },
    { id: 8, kind: 'image', state: 'unavailable', error: HOSTILE_TEXT },
  ],
  content: { kind: 'document', fileName: HOSTILE_TEXT },
};

describe('MessageBubble', () => {
  test('escapes body, author, failure reason, file name and media error', () => {
    const html = String(<MessageBubble i18n={en} message={hostile} />);
    expectInert(html);
    expectEscapedText(html);
    // Four in text; the media error is its title, where only a quote could end the attribute (and it is escaped).
    expect(html.split('&lt;script&gt;').length - 1).toBe(4);
    expect(
      parse(html)
        .attributes.filter((a) => a.name === 'title')
        .map((a) => a.value),
    ).toContain(HOSTILE_TEXT.replaceAll('"', '&#34;'));
  });

  test('has the stable id and a class per sender', () => {
    for (const sender of ['aspirant', 'recruiter', 'bot'] as const) {
      const html = String(<MessageBubble i18n={en} message={{ ...sampleMessages[0]!, sender }} />);
      expect(attributesOf(html, 'msg-101').class).toBe(`msg from-${sender}`);
    }
  });

  test('names the recruiter and the bot, not the aspirant', () => {
    const [aspirant, bot, , , , recruiter] = sampleMessages;
    expect(String(<MessageBubble i18n={en} message={recruiter!} />)).toContain('<span class="msg-author">Ana Restrepo</span>');
    expect(String(<MessageBubble i18n={en} message={bot!} />)).toContain('<span class="msg-author">Bot</span>');
    expect(String(<MessageBubble i18n={en} message={aspirant!} />)).not.toContain('msg-author');
  });

  test('shows images inline through /media/:id and other media as links', () => {
    const html = String(
      <MessageBubble
        i18n={en}
        message={{
          ...sampleMessages[3]!,
          media: [
            { id: 301, kind: 'image', state: 'stored' },
            { id: 302, kind: 'audio', state: 'stored' },
            { id: 303, state: 'pending' },
          ],
        }}
      />,
    );
    expect(
      parse(html)
        .attributes.filter((attribute) => attribute.tag === 'img')
        .map((attribute) => `${attribute.name}=${attribute.value}`),
    ).toContain('src=/media/301');
    expect(html).toContain('href="/media/302"');
    expect(html).toContain('Attachment — downloading…');
    expect(html).not.toContain('/media/303');
  });

  test('unavailable media offers a retry: an htmx post to /media/:id/retry, the token only where the page knows it', () => {
    const message: MessageView = {
      ...sampleMessages[3]!,
      media: [
        { id: 8, kind: 'image', state: 'unavailable', error: HOSTILE_TEXT },
        { id: 9, kind: 'audio', state: 'stored' },
      ],
    };
    const page = String(<MessageBubble i18n={en} message={message} csrf="csrf-token-123" />);
    const forms = parse(page).attributes.filter((attribute) => attribute.tag === 'form');
    expect(Object.fromEntries(forms.map((attribute) => [attribute.name, attribute.value]))).toMatchObject({ action: '/media/8/retry', method: 'post', 'hx-post': '/media/8/retry', 'hx-swap': 'none' });
    expect(
      parse(page)
        .attributes.filter((attribute) => attribute.tag === 'input' && attribute.name === 'value')
        .map((attribute) => attribute.value),
    ).toEqual(['csrf-token-123']);
    expect(page).toMatch(/<button type="submit" class="link-button">\s*Retry download\s*<\/button>/);
    expect(page).not.toContain('/media/9/retry');
    expectInert(page);
    // The reason in her words; the worker's own (untrusted, technical) on hover, as an attribute value.
    expect(page).toContain('Photo unavailable: the download failed.');
    expect(
      parse(page)
        .attributes.filter((a) => a.name === 'title')
        .map((a) => a.value),
    ).toContain(HOSTILE_TEXT.replaceAll('"', '&#34;'));
    const pushed = String(<MessageReplace i18n={en} message={message} />);
    expect(pushed).toContain('hx-post="/media/8/retry"');
    expect(pushed).not.toContain('_csrf');
  });

  test('aspirant messages carry no ticks', () => {
    expect(String(<MessageBubble i18n={en} message={sampleMessages[0]!} />)).not.toContain('ticks');
  });
});

describe('DeliveryTicks', () => {
  const cases: [DeliveryStatus, string, string][] = [
    ['queued', 'ticks-pending', 'Queued'],
    ['sending', 'ticks-pending', 'Sending'],
    ['sent', 'ticks-sent', '✓'],
    ['delivered', 'ticks-delivered', '✓✓'],
    ['read', 'ticks-read', '✓✓'],
  ];
  for (const [status, cls, text] of cases) {
    test(`${status} renders ${cls}`, () => {
      const html = String(<DeliveryTicks i18n={en} message={{ status }} />);
      expect(html).toContain(`class="ticks ${cls}"`);
      expect(html).toContain(text);
    });
  }

  test("failed and undelivered show a known code's plain reason and the code once; the provider's words stay in the title", () => {
    const es = translator('es', 'UTC');
    for (const status of ['failed', 'undelivered'] as const) {
      const message = { status, errorCode: 63016, errorMessage: 'Failed to send freeform message because you are outside the allowed window.' };
      const html = String(<DeliveryTicks i18n={es} message={message} />);
      expect(html).toContain('class="ticks ticks-failed"');
      expect(html).toContain('Fuera de la ventana de 24 horas: solo se puede enviar una plantilla aprobada (63016)</span>');
      expect(html.match(/63016/g)?.length).toBe(1);
      expect(html).toContain('title="Detalle del proveedor: Failed to send freeform message because you are outside the allowed window."');
    }
    // The same code from a synchronous refusal and from a status callback reads the same.
    const sync = String(<DeliveryTicks i18n={en} message={{ status: 'failed', errorCode: 63016, errorMessage: 'Twilio refused the message (HTTP 400)' }} />);
    expect(sync).toContain('Failed: Outside the 24-hour window: only an approved template can be sent (63016)');
  });

  test("an unknown code shows the provider's words with the code once; no code, no parentheses", () => {
    const unknown = String(<DeliveryTicks i18n={en} message={{ status: 'failed', errorCode: 30008, errorMessage: 'Unknown error' }} />);
    expect(unknown.match(/Unknown error \(30008\)/g)?.length).toBe(2);
    const ours = String(<DeliveryTicks i18n={en} message={{ status: 'failed', errorMessage: 'The aspirant opted out before this message was sent.' }} />);
    expect(ours).toContain('The aspirant opted out before this message was sent.</span>');
    expect(ours).not.toContain('(');
  });

  test('a failure without a reason still says what happened', () => {
    expect(String(<DeliveryTicks i18n={en} message={{ status: 'failed' }} />)).toContain('WhatsApp did not accept the message');
  });

  test('received renders nothing', () => {
    expect(String(<DeliveryTicks i18n={en} message={{ status: 'received' }} />)).toBe('');
  });
});

describe('pushes', () => {
  test('MessageAppend removes a copy already on the page and appends to the conversation log', () => {
    const html = String(<MessageAppend i18n={en} conversationId={12} message={hostile} />);
    const oob = parse(html).attributes.filter((attribute) => attribute.name === 'hx-swap-oob');
    expect(oob.map((attribute) => attribute.value)).toEqual(['delete', 'beforeend:#chat-log-12']);
    expect(parse(html).ids.slice(0, 2)).toEqual(['msg-42', 'msg-42']);
    expectInert(html);
  });

  test('MessageReplace swaps msg-<id> itself out of band', () => {
    const html = String(<MessageReplace i18n={en} message={{ ...sampleMessages[5]!, status: 'read' }} />);
    expect(attributesOf(html, 'msg-106')['hx-swap-oob']).toBe('true');
    expect(html).toContain('ticks-read');
  });
});

describe('ChatLog', () => {
  test('has the stable log id, a "load older" item first and one separator per day', () => {
    const html = String(<ChatLog i18n={en} conversationId={12} messages={sampleMessages} olderCursor="101" query="?scope=all" now={SAMPLE_NOW} />);
    const ids = parse(html).ids;
    expect(ids[0]).toBe('chat-log-12');
    expect(ids[1]).toBe('load-older-12');
    expect(ids.filter((id) => id.startsWith('day-12-'))).toHaveLength(2);
    expect(ids.filter((id) => id.startsWith('msg-'))).toEqual(sampleMessages.map((message) => `msg-${message.id}`));
    expect(html).toContain('Yesterday');
    expect(html).toContain('Today');
  });

  test('LoadOlder fetches the same page with ?before= and keeps only the log items', () => {
    const html = String(<LoadOlder i18n={en} conversationId={12} cursor="101" query="?scope=mine" />);
    const link = parse(html).attributes.filter((attribute) => attribute.tag === 'a');
    expect(Object.fromEntries(link.map((attribute) => [attribute.name, attribute.value]))).toEqual({
      href: '/inbox/12?scope=mine&before=101',
      'hx-get': '/inbox/12?scope=mine&before=101',
      'hx-select': '#chat-log-12 > li',
      'hx-target': '#load-older-12',
      'hx-swap': 'outerHTML',
    });
  });
});
