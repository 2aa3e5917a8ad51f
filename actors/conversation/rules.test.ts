/** @module actors/conversation/rules.test — the list preview of every kind of message. */
import { describe, expect, test } from 'bun:test';
import { charCount } from './body-limit';
import { KIND_PREVIEWS, MEDIA_PREVIEWS, PREVIEW_CHARACTERS, preview } from './rules';

const file = (contentType: string) => [{ url: 'https://api.twilio.com/m/ME1', contentType }];

describe('preview', () => {
  test('text is one line, cut at 120 characters, never in half an emoji', () => {
    expect(preview('  Hola\n\nquiero   ser modelo ')).toBe('Hola quiero ser modelo');
    const emoji = preview('👍'.repeat(3000))!;
    expect(charCount(emoji)).toBe(PREVIEW_CHARACTERS);
    expect(emoji).toBe(`${'👍'.repeat(PREVIEW_CHARACTERS - 1)}…`);
    expect(emoji.isWellFormed()).toBe(true);
    expect(preview('a'.repeat(120))).toBe('a'.repeat(120));
  });

  test('a caption or a button title is the preview, whatever the kind', () => {
    expect(preview('mi foto', file('image/jpeg'), { kind: 'image' })).toBe('mi foto');
    expect(preview('Sí, me interesa', [], { kind: 'interactive', reply: 'button', payload: 'yes' })).toBe('Sí, me interesa');
  });

  test('a message without text previews by its kind: translatable marks, a place, a file or a card name', () => {
    expect(preview('', file('image/jpeg'), { kind: 'image' })).toBe(MEDIA_PREVIEWS.image);
    expect(preview('', file('video/mp4'), { kind: 'video' })).toBe(MEDIA_PREVIEWS.video);
    expect(preview('', file('audio/mpeg'), { kind: 'audio', voice: false })).toBe(MEDIA_PREVIEWS.audio);
    expect(preview('', file('audio/ogg'), { kind: 'audio', voice: true })).toBe(KIND_PREVIEWS.voice);
    expect(preview('', file('image/webp'), { kind: 'sticker' })).toBe(KIND_PREVIEWS.sticker);
    expect(preview('', file('application/pdf'), { kind: 'document', fileName: 'Hoja de vida.pdf' })).toBe('📄 Hoja de vida.pdf');
    expect(preview('', file('application/pdf'), { kind: 'document' })).toBe(MEDIA_PREVIEWS.document);
    expect(preview('', [], { kind: 'location', latitude: 4.6, longitude: -74.08, label: 'Agencia', address: 'Cra. 7' })).toBe('📍 Agencia');
    expect(preview('', [], { kind: 'location', latitude: 4.6, longitude: -74.08, address: 'Cra. 7 #32-16' })).toBe('📍 Cra. 7 #32-16');
    expect(preview('', [], { kind: 'location', latitude: 4.6, longitude: -74.08 })).toBe(KIND_PREVIEWS.location);
    expect(preview('', file('text/vcard'), { kind: 'contacts' })).toBe(KIND_PREVIEWS.contacts);
    expect(preview('', [], { kind: 'contacts', vcards: ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=UTF-8:Ana Pérez\r\nEND:VCARD'] })).toBe('👤 Ana Pérez');
    expect(preview('', [], { kind: 'system' })).toBe(KIND_PREVIEWS.system);
    expect(preview('', [], { kind: 'unsupported', providerType: 'order' })).toBe(KIND_PREVIEWS.unsupported);
    expect(preview('', [], { kind: 'text' })).toBe('');
  });

  test('a reaction previews as its emoji; one taken back leaves the preview as it was (undefined)', () => {
    expect(preview('', [], { kind: 'reaction', emoji: '❤️', messageId: 'SM1' })).toBe('❤️');
    expect(preview('', [], { kind: 'reaction', emoji: '', messageId: 'SM1' })).toBeUndefined();
  });

  test('without a content the kind is read from the files, as before kinds existed', () => {
    expect(preview('', file('image/png'))).toBe(MEDIA_PREVIEWS.image);
    expect(preview('', file('application/zip'))).toBe(MEDIA_PREVIEWS.document);
    expect(preview('')).toBe('');
  });
});
