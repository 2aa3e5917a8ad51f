/** @module server/whatsapp/meta/media.test — media references and Meta's sha256 in either of its spellings. */
import { describe, expect, test } from 'bun:test';
import { MediaDownloadError } from '../media-download';
import type { GraphConfig } from './graph';
import { fetchMetaMedia, matchesSha256, mediaIdOf } from './media';

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

describe("the token and Meta's own Graph API", () => {
  const TOKEN = 'EAAG-test-token';
  /** A Graph stand-in at graph.facebook.com whose media lookup names `download`; records who got the token. */
  function graphNaming(download: string) {
    const seen: { host: string; token: boolean }[] = [];
    const fetcher = (async (input: URL | string | Request, init?: RequestInit) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      seen.push({ host: url.hostname, token: new Headers(init?.headers).get('authorization') === `Bearer ${TOKEN}` });
      if (url.hostname === 'graph.facebook.com') return Response.json({ url: download, mime_type: 'image/jpeg', file_size: 4, id: '123' });
      return new Response('jpeg', { headers: { 'content-type': 'image/jpeg' } });
    }) as typeof fetch;
    const graph: GraphConfig = { accessToken: TOKEN, graphUrl: 'https://graph.facebook.com', apiVersion: 'v26.0', timeoutMs: 1000, fetch: fetcher };
    return { seen, fetch: () => fetchMetaMedia(graph, 'meta-media:123', { maxBytes: 1024, retryDelaysMs: [] }) };
  }

  test("a download host on Meta's media domains gets the token", async () => {
    const { seen, fetch } = graphNaming('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=123');
    expect((await fetch()).bytes.byteLength).toBe(4);
    expect(seen).toEqual([
      { host: 'graph.facebook.com', token: true },
      { host: 'lookaside.fbsbx.com', token: true },
    ]);
  });

  test('a lookup naming any other host never hands it the token', async () => {
    for (const host of ['attacker.example', 'fbsbx.com.attacker.example', 'evilfbsbx.com']) {
      const { seen, fetch } = graphNaming(`https://${host}/x`);
      await fetch().catch(() => undefined);
      expect(
        seen.find((s) => s.host === host),
        host,
      ).toEqual({ host, token: false });
    }
  });
});
