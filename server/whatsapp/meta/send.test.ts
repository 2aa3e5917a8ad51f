/** @module server/whatsapp/meta/send.test — the Cloud API message body for each kind, what is refused before sending, and findSent's three outcomes. */
import { describe, expect, test } from 'bun:test';
import { SendError } from '../send-errors';
import { buildMessageBody, createFindSent, parseTemplateRef, RECEIPT_WAIT_MS, templateParameters } from './send';

const base = { to: '+573001234567', idempotencyKey: 'outbox-7' };
const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '573001234567', biz_opaque_callback_data: 'outbox-7' };

function refusal(fn: () => unknown): SendError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SendError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('buildMessageBody', () => {
  test('text: E.164 without +, no link preview, the idempotency key as callback data', () => {
    expect(buildMessageBody({ ...base, body: 'Hola Valentina' })).toEqual({ ...head, type: 'text', text: { body: 'Hola Valentina', preview_url: false } });
  });

  test('a BSUID (and a parent BSUID) goes in `recipient`, never in `to`', () => {
    const { to: _, ...rest } = head;
    expect(buildMessageBody({ ...base, to: 'CO.1502576394655843', body: 'hola' })).toEqual({ ...rest, recipient: 'CO.1502576394655843', type: 'text', text: { body: 'hola', preview_url: false } });
    expect(buildMessageBody({ ...base, to: 'US.ENT.11815799212886844830', body: 'hola' })).toMatchObject({ recipient: 'US.ENT.11815799212886844830' });
  });

  test('media by link: the type from the extension, the body as caption, a document keeps its file name', () => {
    expect(buildMessageBody({ ...base, body: 'Tu foto', mediaUrl: ['https://wasap.example.co/m/1/foto.JPG?sig=x'] })).toEqual({
      ...head,
      type: 'image',
      image: { link: 'https://wasap.example.co/m/1/foto.JPG?sig=x', caption: 'Tu foto' },
    });
    expect(buildMessageBody({ ...base, mediaUrl: ['https://wasap.example.co/m/2/clip.mp4'] })).toMatchObject({ type: 'video', video: { link: 'https://wasap.example.co/m/2/clip.mp4' } });
    expect(buildMessageBody({ ...base, mediaUrl: ['https://wasap.example.co/m/3/nota.ogg'] })).toMatchObject({ type: 'audio', audio: { link: 'https://wasap.example.co/m/3/nota.ogg' } });
    expect(buildMessageBody({ ...base, body: 'Contrato', mediaUrl: ['https://wasap.example.co/m/4/contrato%20firmado.pdf'] })).toMatchObject({
      type: 'document',
      document: { link: 'https://wasap.example.co/m/4/contrato%20firmado.pdf', caption: 'Contrato', filename: 'contrato firmado.pdf' },
    });
  });

  test('template: name and language from the ref, numbered variables in numeric order, body and media ignored', () => {
    const body = buildMessageBody({
      ...base,
      body: 'ignored',
      mediaUrl: ['https://x.example/a.jpg'],
      template: { ref: 'recordatorio:es_CO', variables: { '10': 'j', '2': 'b', '1': 'a', '3': 'c', '4': 'd', '5': 'e', '6': 'f', '7': 'g', '8': 'h', '9': 'i' } },
    });
    expect(body).toEqual({
      ...head,
      type: 'template',
      template: { name: 'recordatorio', language: { code: 'es_CO' }, components: [{ type: 'body', parameters: 'abcdefghij'.split('').map((text) => ({ type: 'text', text })) }] },
    });
    expect(buildMessageBody({ ...base, template: { ref: 'bienvenida:es' } })).toEqual({ ...head, type: 'template', template: { name: 'bienvenida', language: { code: 'es' } } });
  });

  test('named template variables carry parameter_name', () => {
    expect(templateParameters({ first_name: 'Valentina', day: 'lunes' })).toEqual([
      { type: 'text', parameter_name: 'first_name', text: 'Valentina' },
      { type: 'text', parameter_name: 'day', text: 'lunes' },
    ]);
  });

  test.each([
    ['no recipient format', { ...base, to: '3001234567', body: 'x' }, 'Invalid recipient'],
    ['nothing to send', { ...base }, 'Nothing to send'],
    ['several media', { ...base, mediaUrl: ['https://x.example/a.jpg', 'https://x.example/b.jpg'] }, 'one media file per message'],
    ['audio with text', { ...base, body: 'escucha', mediaUrl: ['https://x.example/a.mp3'] }, 'audio takes no caption'],
    ['a non-http link', { ...base, mediaUrl: ['ftp://x.example/a.jpg'] }, 'http(s)'],
    ['text too long', { ...base, body: 'x'.repeat(4097) }, '4096'],
    ['caption too long', { ...base, body: 'x'.repeat(1025), mediaUrl: ['https://x.example/a.jpg'] }, '1024'],
    ['no idempotency key', { ...base, idempotencyKey: '', body: 'x' }, 'idempotency key'],
    ['a key Meta would cut', { ...base, idempotencyKey: 'k'.repeat(513), body: 'x' }, 'idempotency key'],
    ['a ref without language', { ...base, template: { ref: 'recordatorio' } }, 'Invalid template reference'],
    ['a gap in variables', { ...base, template: { ref: 'r:es', variables: { '1': 'a', '3': 'c' } } }, 'without gaps'],
    ['an empty variable', { ...base, template: { ref: 'r:es', variables: { '1': ' ' } } }, 'is empty'],
    ['mixed variables', { ...base, template: { ref: 'r:es', variables: { '1': 'a', name: 'b' } } }, 'all numbered'],
  ])('refuses %s, for good, before any request', (_, message, words) => {
    const error = refusal(() => buildMessageBody(message as Parameters<typeof buildMessageBody>[0]));
    expect(error.permanent).toBe(true);
    expect(error.ambiguous).toBe(false);
    expect(error.reason).toContain(words);
  });

  test('template refs: a name of lower case, digits and _; a language like es, es_CO, pt_BR', () => {
    expect(parseTemplateRef('cita_2:pt_BR')).toEqual({ name: 'cita_2', language: 'pt_BR' });
    for (const ref of ['Cita:es', ':es', 'cita:', 'cita:es:CO', 'HX0123456789abcdef']) expect(() => parseTemplateRef(ref), ref).toThrow(SendError);
  });
});

describe('findSent', () => {
  const since = new Date('2026-12-01T10:00:00Z');
  const query = { to: '+573001234567', idempotencyKey: 'outbox-7', since };

  function finder(receipt: string | null, at: number) {
    const asked: string[] = [];
    const findSent = createFindSent({ receipts: async (key) => (asked.push(key), receipt), now: () => new Date(since.getTime() + at), startedAt: since });
    return { findSent, asked };
  }

  test('a status webhook with our key: the message went out', async () => {
    const { findSent, asked } = finder('wamid.HBgM', 5_000);
    expect(await findSent(query)).toEqual({ sid: 'wamid.HBgM', status: 'sent' });
    expect(asked).toEqual(['outbox-7']);
  });

  test('no receipt yet, within the wait: cannot tell (ambiguous, asked again later)', async () => {
    const { findSent } = finder(null, RECEIPT_WAIT_MS - 1);
    const error = await findSent(query).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ permanent: false, ambiguous: true });
  });

  test('no receipt after the wait: not sent, the outbox may send it again', async () => {
    expect(await finder(null, RECEIPT_WAIT_MS).findSent(query)).toBeNull();
  });

  test('after a restart the wait runs again from the start: statuses sent while we were down come only with redelivery', async () => {
    const restartedAt = new Date(since.getTime() + RECEIPT_WAIT_MS * 5);
    const clock = { at: restartedAt.getTime() + 1_000 };
    const findSent = createFindSent({ receipts: async () => null, now: () => new Date(clock.at), startedAt: restartedAt });
    await expect(findSent({ ...query, attemptedAt: since })).rejects.toMatchObject({ ambiguous: true });
    clock.at = restartedAt.getTime() + RECEIPT_WAIT_MS;
    expect(await findSent({ ...query, attemptedAt: since })).toBeNull();
  });

  test('the wait runs from the attempt in doubt, not from when the row was created', async () => {
    const attemptedAt = new Date(since.getTime() + RECEIPT_WAIT_MS * 3);
    const findSent = createFindSent({ receipts: async () => null, now: () => new Date(attemptedAt.getTime() + 1_000), startedAt: since });
    await expect(findSent({ ...query, attemptedAt })).rejects.toMatchObject({ ambiguous: true });
  });

  test('a query without its key cannot be answered, ever: a final error, never a blind "not sent"', async () => {
    const { findSent, asked } = finder('wamid.x', RECEIPT_WAIT_MS * 10);
    const { idempotencyKey: _, ...keyless } = query;
    await expect(findSent(keyless as typeof query)).rejects.toMatchObject({ permanent: true });
    expect(asked).toEqual([]);
  });
});
