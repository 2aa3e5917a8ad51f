/** @module actors/conversation/message-kinds.test — kinds read from files, what a message refers to, the stored shape. */
import { describe, expect, test } from 'bun:test';
import { MESSAGE_KINDS } from '../vocabulary';
import { contentFromMedia, contentOfRow, isVoiceNote, refersTo, storedContent, type MessageContent } from './message-kinds';

const item = (contentType: string) => ({ url: 'https://api.twilio.com/m/ME1', contentType });

describe('message kinds', () => {
  test('a message that says no more than its files is read by the first declared type', () => {
    expect(contentFromMedia([])).toEqual({ kind: 'text' });
    expect(contentFromMedia([item('image/jpeg'), item('application/pdf')])).toEqual({ kind: 'image' });
    expect(contentFromMedia([item('video/mp4')])).toEqual({ kind: 'video' });
    expect(contentFromMedia([item('audio/ogg; codecs=opus')])).toEqual({ kind: 'audio', voice: true });
    expect(contentFromMedia([item('audio/mpeg')])).toEqual({ kind: 'audio', voice: false });
    expect(contentFromMedia([item('text/vcard')])).toEqual({ kind: 'contacts' });
    expect(contentFromMedia([item('TEXT/X-VCARD')])).toEqual({ kind: 'contacts' });
    expect(contentFromMedia([item('application/vnd.openxmlformats-officedocument.wordprocessingml.document')])).toEqual({ kind: 'document' });
    expect(contentFromMedia([item('application/octet-stream')])).toEqual({ kind: 'document' });
  });

  test('WhatsApp records voice notes as Ogg', () => {
    expect(isVoiceNote('audio/ogg')).toBe(true);
    expect(isVoiceNote(' Audio/OGG; codecs=opus')).toBe(true);
    expect(isVoiceNote('audio/oggx')).toBe(false);
    expect(isVoiceNote('audio/mp4')).toBe(false);
  });

  test('a reaction refers to the message it reacts to, a reply to the one it quotes, anything else to nothing', () => {
    expect(refersTo({ content: { kind: 'reaction', emoji: '👍', messageId: 'SMa' } })).toBe('SMa');
    expect(refersTo({ content: { kind: 'text' }, context: { messageId: 'SMb' } })).toBe('SMb');
    expect(refersTo({ content: { kind: 'image' } })).toBeUndefined();
  });

  test('every kind is stored as its word and its other fields, and read back as it was', () => {
    const samples: MessageContent[] = [
      { kind: 'text' },
      { kind: 'image' },
      { kind: 'sticker', animated: true },
      { kind: 'audio', voice: true },
      { kind: 'video' },
      { kind: 'document', fileName: 'Hoja de vida.docx' },
      { kind: 'location', latitude: 6.2442, longitude: -75.5812, address: 'Cl. 10 #43-12, Medellín', label: 'Casa' },
      { kind: 'contacts', vcards: ['BEGIN:VCARD\nFN:Ana\nEND:VCARD'] },
      { kind: 'reaction', emoji: '❤️', messageId: 'SM1' },
      { kind: 'interactive', reply: 'list', payload: 'shift_morning', description: '8–12' },
      { kind: 'system', providerType: 'system' },
      { kind: 'unsupported', providerType: 'order' },
    ];
    expect(samples.map((s) => s.kind)).toEqual([...MESSAGE_KINDS]);
    for (const content of samples) {
      const stored = storedContent(content);
      expect(stored.kind).toBe(content.kind);
      expect(stored.fields === null || !('kind' in stored.fields)).toBe(true);
      expect(contentOfRow(stored.kind, JSON.parse(JSON.stringify(stored.fields)))).toEqual(content);
    }
    expect(storedContent({ kind: 'text' }).fields).toBeNull();
    expect(contentOfRow('image', null)).toEqual({ kind: 'image' });
  });
});
