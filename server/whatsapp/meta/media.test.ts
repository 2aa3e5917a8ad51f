/** @module server/whatsapp/meta/media.test — media references and Meta's sha256 in either of its spellings. */
import { describe, expect, test } from 'bun:test';
import { MediaDownloadError } from '../media-download';
import { matchesSha256, mediaIdOf } from './media';

describe('meta media helpers', () => {
  test('a reference is meta-media:<id> as the parser stores it; anything else is refused before any request', () => {
    expect(mediaIdOf('meta-media:1049820586793021')).toBe('1049820586793021');
    for (const ref of ['1049820586793021', 'meta-media:', 'meta-media:..', 'meta-media:../me', 'meta-media:12?x=1', 'https://lookaside.fbsbx.com/x']) {
      expect(() => mediaIdOf(ref), ref).toThrow(MediaDownloadError);
    }
  });

  test('sha256 matches in hex (any case) and in base64, as Meta writes it in webhooks', () => {
    const bytes = new TextEncoder().encode('hola');
    const hex = 'b221d9dbb083a7f33428d7c2a3c3198ae925614d70210e28716ccaa7cd4ddb79';
    expect(matchesSha256(bytes, hex)).toBe(true);
    expect(matchesSha256(bytes, hex.toUpperCase())).toBe(true);
    expect(matchesSha256(bytes, Buffer.from(hex, 'hex').toString('base64'))).toBe(true);
    expect(matchesSha256(bytes, hex.replace('b', 'c'))).toBe(false);
  });
});
