/** @module server/whatsapp/meta/client.test — settings that cannot work are refused when the client is built, not on the first send. */
import { describe, expect, test } from 'bun:test';
import { createMetaClient, META_DEFAULT_MPS, type MetaClientOptions } from './client';

const good: MetaClientOptions = { accessToken: 'EAAGtoken', phoneNumberId: '106540352242922', receipts: async () => null, mediaMaxBytes: 1_000 };

describe('createMetaClient', () => {
  test('defaults: Meta’s default throughput, named meta', () => {
    const client = createMetaClient(good);
    expect(client.name).toBe('meta');
    expect(client.maxMps).toBe(META_DEFAULT_MPS);
    expect(META_DEFAULT_MPS).toBe(80);
    expect(client.number).toBeUndefined();
  });

  test.each([
    ['an empty token', { accessToken: ' ' }],
    ['a token with spaces', { accessToken: 'EAAG token' }],
    ['a phone number instead of its id', { phoneNumberId: '+573001234567' }],
    ['a WABA id that is not digits', { wabaId: 'waba-1' }],
    ['a Graph URL that is not one', { graphUrl: 'graph.facebook.com' }],
    ['a Graph URL that is not http(s)', { graphUrl: 'ftp://graph.facebook.com' }],
    ['a version without v', { apiVersion: '26.0' }],
    ['no time to answer', { timeoutMs: 0 }],
    ['no throughput', { maxMps: 0 }],
    ['no media cap', { mediaMaxBytes: 0 }],
    ['no receipts lookup', { receipts: undefined }],
  ])('refuses %s', (_, change) => {
    expect(() => createMetaClient({ ...good, ...change } as MetaClientOptions)).toThrow(TypeError);
  });

  test('listing templates without the WABA id is a final error, not a request', async () => {
    let requests = 0;
    const client = createMetaClient({ ...good, fetch: (async () => (requests++, new Response('{}'))) as unknown as typeof fetch });
    await expect(client.listTemplates()).rejects.toMatchObject({ permanent: true });
    expect(requests).toBe(0);
  });
});
