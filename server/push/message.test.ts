/** @module server/push/message.test — an alert's text: the message on one line and cut short, or what was sent, in the reader's language. */
import { describe, expect, test } from 'bun:test';
import type { MessageContent } from '../../actors/conversation/message-kinds';
import { pushPayload } from './message';

describe('pushPayload', () => {
  test('the text on one line, cut to 160 characters; the conversation link as the inbox list has it', () => {
    const long = `Hola\n\n${'a'.repeat(300)}`;
    const payload = pushPayload('es', 42, '  Valentina   Gómez ', { body: long, media: [] });
    expect(payload).toMatchObject({ conversationId: 42, title: 'Valentina Gómez', url: '/inbox/42?scope=all' });
    expect(payload.body).toHaveLength(160);
    expect(payload.body).toStartWith('Hola aaa');
    expect(payload.body).toEndWith('…');
  });

  test('without text, what was sent in the reader’s language; an unknown language reads Spanish', () => {
    const pdf = { body: ' ', media: [{ url: 'x', contentType: 'application/pdf' }] };
    expect(pushPayload('en', 1, 'Ana', pdf).body).toBe('📎 Document');
    expect(pushPayload('es', 1, 'Ana', { body: '', media: [{ url: 'x', contentType: 'video/mp4' }] }).body).toBe('🎬 Video');
    expect(pushPayload('fr', 1, 'Ana', { body: '', media: [{ url: 'x', contentType: 'audio/mpeg' }] }).body).toBe('🎤 Audio');
    expect(pushPayload('es', 1, 'Ana', { body: '', media: [{ url: 'x', contentType: 'audio/ogg' }] }).body).toBe('🎤 Nota de voz');
    expect(pushPayload('en', 1, 'Ana', { body: '', media: [] }).body).toBe('New message');
  });

  test('each kind says what it is as the inbox list does: a sticker, a place, a card, a file, a reaction, a notice', () => {
    const sent = (content: MessageContent, media: { url: string; contentType: string }[] = [], body = '') => pushPayload('es', 1, 'Ana', { body, media, content }).body;
    expect(sent({ kind: 'sticker' }, [{ url: 'x', contentType: 'image/webp' }])).toBe('💟 Sticker');
    expect(sent({ kind: 'location', latitude: 6.2, longitude: -75.5, label: 'Casa' })).toBe('📍 Casa');
    expect(sent({ kind: 'location', latitude: 6.2, longitude: -75.5 })).toBe('📍 Ubicación');
    expect(sent({ kind: 'contacts' }, [{ url: 'x', contentType: 'text/vcard' }])).toBe('👤 Contacto');
    expect(sent({ kind: 'document', fileName: 'CV Ana.docx' }, [{ url: 'x', contentType: 'application/msword' }])).toBe('📄 CV Ana.docx');
    expect(sent({ kind: 'reaction', emoji: '👍', messageId: 'SM1' }, [], '👍')).toBe('👍');
    expect(sent({ kind: 'interactive', reply: 'button', payload: 'yes' }, [], 'Sí, me interesa')).toBe('Sí, me interesa');
    expect(sent({ kind: 'system' })).toBe('ℹ️ Aviso de WhatsApp');
    expect(sent({ kind: 'unsupported', providerType: 'poll' })).toBe('❔ Mensaje no compatible');
  });
});
