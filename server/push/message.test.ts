/** @module server/push/message.test — an alert's text: the message on one line and cut short, or what was sent, in the reader's language. */
import { describe, expect, test } from 'bun:test';
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
    expect(pushPayload('fr', 1, 'Ana', { body: '', media: [{ url: 'x', contentType: 'audio/ogg' }] }).body).toBe('🎤 Audio');
    expect(pushPayload('en', 1, 'Ana', { body: '', media: [] }).body).toBe('New message');
  });
});
