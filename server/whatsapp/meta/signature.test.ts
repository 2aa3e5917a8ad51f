/** @module server/whatsapp/meta/signature.test — X-Hub-Signature-256 over the raw body, and the subscribe handshake. */
import { describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { metaInboundWebhook, metaTextMessage } from './fixtures';
import { signMetaBody, verifyChallenge, verifyMetaSignature } from './signature';

const SECRET = 'f3c1d2a8b7e64c5d9a0b1c2d3e4f5a6b';
// Meta escapes non-ASCII in what it signs: the raw bytes are checked, never a re-serialisation.
const RAW = JSON.stringify(metaInboundWebhook(metaTextMessage({ body: 'Hola, ¿cómo estás? 😀' }))).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('verifyMetaSignature', () => {
  test('the right signature passes, over a string or the same bytes', () => {
    const header = signMetaBody(SECRET, RAW);
    expect(header).toBe(`sha256=${createHmac('sha256', SECRET).update(RAW).digest('hex')}`);
    expect(verifyMetaSignature(SECRET, header, RAW)).toBe(true);
    expect(verifyMetaSignature(SECRET, header, new TextEncoder().encode(RAW))).toBe(true);
    expect(verifyMetaSignature(SECRET, ` ${header.toUpperCase().replace('SHA256=', 'sha256=')} `, RAW)).toBe(true);
  });

  test('a wrong secret fails', () => {
    expect(verifyMetaSignature('another-secret', signMetaBody(SECRET, RAW), RAW)).toBe(false);
    expect(verifyMetaSignature('', signMetaBody('', RAW), RAW)).toBe(false);
  });

  test('a body changed after signing, by one byte, fails', () => {
    const header = signMetaBody(SECRET, RAW);
    const bytes = new TextEncoder().encode(RAW);
    bytes[bytes.length - 3]! ^= 1;
    expect(verifyMetaSignature(SECRET, header, bytes)).toBe(false);
    expect(verifyMetaSignature(SECRET, header, RAW + ' ')).toBe(false);
    // The same JSON re-serialised (non-ASCII unescaped) is not what Meta signed.
    expect(verifyMetaSignature(SECRET, header, JSON.stringify(JSON.parse(RAW)))).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['without the algorithm', createHmac('sha256', SECRET).update(RAW).digest('hex')],
    ['with sha1=', `sha1=${createHmac('sha1', SECRET).update(RAW).digest('hex')}`],
    ['short', signMetaBody(SECRET, RAW).slice(0, -2)],
    ['long', `${signMetaBody(SECRET, RAW)}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['base64', `sha256=${createHmac('sha256', SECRET).update(RAW).digest('base64')}`],
    ['two signatures', `${signMetaBody(SECRET, RAW)},${signMetaBody(SECRET, RAW)}`],
  ])('a header that is %s fails', (_what, header) => {
    expect(verifyMetaSignature(SECRET, header as string | null | undefined, RAW)).toBe(false);
  });
});

describe('verifyChallenge', () => {
  const query = (overrides: Record<string, string | undefined> = {}) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': 'casting-2026', 'hub.challenge': '1158201444', ...overrides });

  test('the right token answers with the challenge, from an object or URLSearchParams', () => {
    expect(verifyChallenge(query(), 'casting-2026')).toBe('1158201444');
    expect(verifyChallenge(new URLSearchParams('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=casting-2026'), 'casting-2026')).toBe('1158201444');
  });

  test.each([
    ['a wrong token', query({ 'hub.verify_token': 'casting-2025' })],
    ['a longer token', query({ 'hub.verify_token': 'casting-20266' })],
    ['a wrong mode', query({ 'hub.mode': 'unsubscribe' })],
    ['no mode', query({ 'hub.mode': undefined })],
    ['no token', query({ 'hub.verify_token': undefined })],
    ['no challenge', query({ 'hub.challenge': undefined })],
    ['a challenge that is markup', query({ 'hub.challenge': '<script>alert(1)</script>' })],
    ['an empty query', {}],
  ])('%s → null', (_what, q) => {
    expect(verifyChallenge(q, 'casting-2026')).toBeNull();
  });

  test('an empty configured token verifies nothing, not even an empty one', () => {
    expect(verifyChallenge(query({ 'hub.verify_token': '' }), '')).toBeNull();
  });

  test('a value that is not a string (a repeated parameter parsed as an array) is refused', () => {
    expect(verifyChallenge({ ...query(), 'hub.verify_token': ['casting-2026', 'x'] }, 'casting-2026')).toBeNull();
  });
});
