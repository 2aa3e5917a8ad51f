/** @module views/inbox/message-kinds.test — each kind as a bubble: players, files, stickers, places, cards, choices, quotes, reactions, notes; all escaped. */
import { describe, expect, test } from 'bun:test';
import { translator } from '../i18n';
import { SAMPLE_NOW } from './fixtures';
import { HOSTILE_TEXT, expectEscapedText, expectInert } from './html-check';
import { mapUrl } from './message-kinds';
import { MessageBubble } from './messages';
import type { MessageView } from './types';

const en = translator('en', 'UTC');
const es = translator('es', 'UTC');

function bubble(extra: Partial<MessageView>, i18n = en): string {
  return String(<MessageBubble i18n={i18n} message={{ id: 9, sender: 'aspirant', body: '', createdAt: SAMPLE_NOW, status: 'received', media: [], ...extra }} />);
}

describe('each kind in a bubble', () => {
  test('a voice note and a video play in the page; an unavailable one keeps its retry', () => {
    const voice = bubble({ content: { kind: 'audio', voice: true }, media: [{ id: 5, kind: 'audio', contentType: 'audio/ogg', state: 'stored' }] });
    expect(voice).toContain('<audio class="media media-audio" controls="" preload="metadata" src="/media/5" aria-label="Voice note">');
    const video = bubble({ body: 'my runway', content: { kind: 'video' }, media: [{ id: 6, kind: 'video', contentType: 'video/mp4', state: 'stored' }] });
    expect(video).toContain('<video class="media media-video" controls src="/media/6" aria-label="Video">');
    expect(video).toContain('<p class="msg-body">my runway</p>');
    const lost = bubble({ content: { kind: 'audio', voice: true }, media: [{ id: 7, kind: 'audio', state: 'unavailable' }] }, es);
    expect(lost).toContain('Nota de voz no disponible');
    expect(lost).toContain('action="/media/7/retry"');
  });

  test('a document downloads under its name with its size; a sticker is a small image', () => {
    const cv = bubble({ content: { kind: 'document', fileName: 'CV Ana.docx' }, media: [{ id: 8, kind: 'document', contentType: 'application/msword', state: 'stored', size: 1536 }] }, es);
    expect(cv).toContain('<a class="media media-file" href="/media/8" download="" title="Descargar CV Ana.docx (2 KB)">');
    expect(cv).toContain('<span class="media-name">CV Ana.docx</span><span class="muted">2 KB</span>');
    const sticker = bubble({ content: { kind: 'sticker' }, media: [{ id: 9, kind: 'image', contentType: 'image/webp', state: 'stored' }] });
    expect(sticker).toContain('<a class="media media-sticker" href="/media/9" target="_blank" rel="noopener"><img src="/media/9" alt="Sticker sent by the aspirant" loading="lazy"/></a>');
  });

  test('a place links to OpenStreetMap with its name and address; a bare pin shows its coordinates', () => {
    const place = bubble({ content: { kind: 'location', latitude: 6.2442034, longitude: -75.5812119, label: 'Casa', address: 'Cl. 10 #43-12' } });
    expect(place).toContain('href="https://www.openstreetmap.org/?mlat=6.2442034&mlon=-75.5812119#map=17/6.2442034/-75.5812119"');
    expect(place).toContain('<span>Casa</span></a><span class="muted">Cl. 10 #43-12</span>');
    expect(bubble({ content: { kind: 'location', latitude: 25.0187, longitude: -77.3959 } })).toContain('<span>25.0187, -77.3959</span>');
    expect(mapUrl(91, 0)).toBeUndefined();
    expect(mapUrl(Number.NaN, 0)).toBeUndefined();
  });

  test('a contact shows its name and numbers, each to call or copy; before its card is read, its file', () => {
    const card = bubble({
      content: { kind: 'contacts' },
      cards: [{ name: 'Ana Gómez', phones: [{ number: '+57 300 1112233', dial: '+573001112233' }] }],
      media: [{ id: 3, kind: 'document', state: 'stored' }],
    });
    expect(card).toContain('<span>Ana Gómez</span>');
    expect(card).toContain('<a href="tel:+573001112233" title="Call +57 300 1112233">+57 300 1112233</a>');
    expect(card).toContain('<button type="button" class="link-button" data-copy="+573001112233" data-copied="Number copied" aria-label="Copy the number +57 300 1112233">Copy number</button>');
    expect(card).not.toContain('/media/3');
    expect(bubble({ content: { kind: 'contacts' }, media: [{ id: 3, kind: 'document', state: 'pending' }] })).toContain('downloading');
  });

  test('a button or list reply shows its title, with its payload on hover', () => {
    const button = bubble({ body: 'Yes, I am in', content: { kind: 'interactive', reply: 'button', payload: 'interest_yes' } });
    expect(button).toContain('<p class="msg-body msg-choice" title="Reply code: interest_yes"><span class="msg-choice-kind">Tapped a quick reply</span> <span>Yes, I am in</span></p>');
    expect(bubble({ body: 'Morning', content: { kind: 'interactive', reply: 'list', description: '8–12' } })).toContain(
      'Picked from the list</span> <span>Morning</span><span class="muted msg-choice-description">8–12</span>',
    );
  });

  test('a reply quotes the message it answers; reactions sit on their message; notices and the unknown are muted notes', () => {
    const reply = bubble({ body: 'Nice', quoted: { sender: 'bot', kind: 'text', body: 'Send us a photo' } });
    expect(reply).toContain(
      '<blockquote class="msg-quote"><span class="visually-hidden">In reply to</span><span class="msg-quote-from">Bot</span><span class="msg-quote-text">Send us a photo</span></blockquote><p class="msg-body">Nice</p>',
    );
    expect(bubble({ body: 'Nice', quoted: null })).toContain('<p class="msg-quote msg-quote-missing">Replies to a message that is not in Wasap</p>');
    expect(bubble({ body: 'Hola', reactions: [{ sender: 'aspirant', emoji: '👍' }] })).toContain(
      '<span class="msg-reactions"><span aria-hidden="true">👍</span><span class="visually-hidden">Reactions: 👍</span></span>',
    );
    expect(bubble({ content: { kind: 'reaction', emoji: '❤️', messageId: 'SMx' } })).toContain('<p class="msg-note">Reacted ❤️ to a message that is not in Wasap</p>');
    expect(bubble({ body: 'Which shift?', content: { kind: 'unsupported', providerType: 'poll' } }, es)).toContain(
      '<p class="msg-note">WhatsApp envió un mensaje que Wasap aún no muestra (poll).</p><p class="msg-body">Which shift?</p>',
    );
    expect(bubble({ body: 'She changed her number', content: { kind: 'system' } })).toContain('<p class="msg-note">WhatsApp notice</p><p class="msg-body">She changed her number</p>');
  });

  test("every word of hers is escaped: a file's name, a place, a card, a payload, a quote, a reaction", () => {
    const hostile = [
      bubble({ content: { kind: 'document', fileName: HOSTILE_TEXT }, media: [{ id: 1, kind: 'document', state: 'stored', size: 10 }] }),
      bubble({ content: { kind: 'location', latitude: 1, longitude: 2, label: HOSTILE_TEXT, address: HOSTILE_TEXT } }),
      bubble({ content: { kind: 'contacts' }, cards: [{ name: HOSTILE_TEXT, phones: [{ number: HOSTILE_TEXT, dial: '+1' }] }] }),
      bubble({ body: HOSTILE_TEXT, content: { kind: 'interactive', reply: 'list', payload: HOSTILE_TEXT, description: HOSTILE_TEXT } }),
      bubble({ body: 'x', quoted: { sender: 'aspirant', kind: 'text', body: HOSTILE_TEXT }, reactions: [{ sender: 'aspirant', emoji: HOSTILE_TEXT }] }),
      bubble({ content: { kind: 'unsupported', providerType: HOSTILE_TEXT } }),
    ];
    for (const html of hostile) {
      expectInert(html);
      expectEscapedText(html);
    }
  });
});

test('a contact shared without its card says so, not an empty bubble', () => {
  const html = String(
    <MessageBubble i18n={translator('es', 'UTC')} message={{ id: 5, sender: 'aspirant', body: '', createdAt: new Date(0), status: 'received', media: [], content: { kind: 'contacts' } }} />,
  );
  expect(html).toContain('Compartió un contacto, sin su tarjeta.');
});
