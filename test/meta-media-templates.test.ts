/** @module test/meta-media-templates.test — the Meta client's media download (two steps, cap, checksum, retries, the token kept from other hosts) and template listing (paging on the Graph API only) against the fake Graph API. */
import { afterEach, describe, expect, test } from 'bun:test';
import { MediaDownloadError } from '../server/whatsapp/media-download';
import { createMetaClient, type MetaClientOptions } from '../server/whatsapp/meta/client';
import { SendError } from '../server/whatsapp/send-errors';
import { startFakeGraph, type FakeGraph } from './support/fake-graph';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

let fake: FakeGraph;
let sleeps: number[] = [];
afterEach(async () => {
  await fake?.stop();
  sleeps = [];
});

function clientFor(graph: FakeGraph, overrides: Partial<MetaClientOptions> = {}) {
  return createMetaClient({
    accessToken: graph.accessToken,
    phoneNumberId: graph.phoneNumberId,
    wabaId: graph.wabaId,
    graphUrl: graph.url,
    receipts: async () => null,
    mediaMaxBytes: 1_000,
    mediaRetryDelaysMs: [10, 20],
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
}

async function mediaError(promise: Promise<unknown>): Promise<MediaDownloadError> {
  const error = await promise.then(
    () => new Error('expected the download to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof MediaDownloadError)) throw error;
  return error;
}

/** A server on another origin that records whether the token reached it. */
function foreignHost(body: Uint8Array<ArrayBuffer> = JPEG) {
  const seen: (string | null)[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (request) => (seen.push(request.headers.get('authorization')), new Response(body, { headers: { 'content-type': 'image/jpeg' } })),
  });
  return { seen, origin: `http://127.0.0.1:${server.port}`, [Symbol.asyncDispose]: () => server.stop(true) };
}

describe('fetchMedia', () => {
  test('two steps, both with the bearer token: the media id’s URL, then its bytes, typed as Meta says', async () => {
    fake = startFakeGraph();
    const id = fake.addMedia(JPEG, 'image/jpeg');
    const media = await clientFor(fake).fetchMedia(`meta-media:${id}`);
    expect(media).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
    expect(fake.mediaRequests).toEqual([
      { step: 'info', id, authorization: `Bearer ${fake.accessToken}` },
      { step: 'download', id, authorization: `Bearer ${fake.accessToken}` },
    ]);
    expect(sleeps).toEqual([]);
  });

  test('too large by Meta’s file_size: refused before downloading; by the bytes themselves: stopped while reading', async () => {
    fake = startFakeGraph();
    const client = clientFor(fake);
    const declared = fake.addMedia(JPEG, 'image/jpeg', { fileSize: 5_000 });
    expect((await mediaError(client.fetchMedia(`meta-media:${declared}`))).code).toBe('MEDIA_TOO_LARGE');
    expect(fake.mediaRequests.map((r) => r.step)).toEqual(['info']);
    const lying = fake.addMedia(new Uint8Array(2_000), 'video/mp4', { fileSize: 10 });
    expect((await mediaError(client.fetchMedia(`meta-media:${lying}`))).code).toBe('MEDIA_TOO_LARGE');
    expect(sleeps).toEqual([]);
  });

  test('bytes that do not match Meta’s sha256 are fetched again, then given up', async () => {
    fake = startFakeGraph();
    const id = fake.addMedia(JPEG, 'image/jpeg', { sha256: 'a'.repeat(64) });
    const error = await mediaError(clientFor(fake).fetchMedia(`meta-media:${id}`));
    expect(error.code).toBe('MEDIA_DOWNLOAD_FAILED');
    expect(error.message).toContain('sha256');
    expect(error.message).toContain('gave up after 3 attempts');
    expect(sleeps).toEqual([10, 20]);
    expect(fake.mediaRequests.filter((r) => r.step === 'info')).toHaveLength(3);
  });

  test('the token never goes to another host: not to a download URL off the Graph API over http, not after a redirect', async () => {
    fake = startFakeGraph();
    await using foreign = foreignHost();
    const client = clientFor(fake);
    const elsewhere = fake.addMedia(JPEG, 'image/jpeg', { downloadOrigin: foreign.origin });
    expect((await client.fetchMedia(`meta-media:${elsewhere}`)).bytes).toEqual(JPEG);
    const redirected = fake.addMedia(JPEG, 'image/jpeg', { redirectTo: `${foreign.origin}/cdn/${crypto.randomUUID()}` });
    expect((await client.fetchMedia(`meta-media:${redirected}`)).bytes).toEqual(JPEG);
    expect(foreign.seen).toEqual([null, null]);
    // The fake itself (the configured Graph API) did get it, for both steps of the redirected one.
    expect(fake.mediaRequests.filter((r) => r.id === redirected).map((r) => r.authorization)).toEqual([`Bearer ${fake.accessToken}`, `Bearer ${fake.accessToken}`]);
  });

  test('429 and 5xx are retried after each delay, asking Meta for a fresh URL each time', async () => {
    fake = startFakeGraph();
    const id = fake.addMedia(JPEG, 'image/jpeg');
    const answers = [429, 503];
    fake.respondToMediaWith((request) => (request.step === 'download' ? answers.shift() : undefined));
    expect((await clientFor(fake).fetchMedia(`meta-media:${id}`)).bytes).toEqual(JPEG);
    expect(sleeps).toEqual([10, 20]);
    expect(fake.mediaRequests.map((r) => r.step)).toEqual(['info', 'download', 'info', 'download', 'info', 'download']);
  });

  test('a download that stalls runs out of time (mediaTimeoutMs) and is tried again', async () => {
    fake = startFakeGraph();
    await using stalled = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Promise<Response>(() => {}) });
    const id = fake.addMedia(JPEG, 'image/jpeg', { downloadOrigin: `http://127.0.0.1:${stalled.port}` });
    const error = await mediaError(clientFor(fake, { mediaTimeoutMs: 50 }).fetchMedia(`meta-media:${id}`));
    expect(error.message).toContain('gave up after 3 attempts');
    expect(sleeps).toEqual([10, 20]);
  });

  test('an unknown media id is final at once; a bad reference makes no request; errors never hold the token', async () => {
    fake = startFakeGraph();
    const client = clientFor(fake);
    const unknown = await mediaError(client.fetchMedia('meta-media:123456'));
    expect(unknown).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: 400 });
    expect(unknown.message).not.toContain(fake.accessToken);
    expect(sleeps).toEqual([]);
    await mediaError(client.fetchMedia('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1'));
    expect(fake.mediaRequests).toHaveLength(1);
  });
});

describe('listTemplates', () => {
  const entry = (n: number) => ({ name: `plantilla_${n}`, language: 'es_CO', category: 'UTILITY', status: 'APPROVED', id: String(n), components: [{ type: 'BODY', text: `Hola {{1}}, número ${n}` }] });

  test('asks for the fields it reads, 100 at a time, and follows paging.next to the end', async () => {
    fake = startFakeGraph();
    fake.setTemplates([1, 2, 3, 4, 5].map(entry), { pageSize: 2 });
    const templates = await clientFor(fake).listTemplates();
    expect(templates.map((t) => t.ref)).toEqual([1, 2, 3, 4, 5].map((n) => `plantilla_${n}:es_CO`));
    expect(templates[0]).toEqual({ ref: 'plantilla_1:es_CO', name: 'plantilla_1', language: 'es_CO', category: 'utility', status: 'approved', body: 'Hola {{1}}, número 1', variables: ['1'] });
    expect(fake.templateRequests.map((q) => [q.get('fields'), q.get('limit'), q.get('after')])).toEqual([
      ['name,language,category,status,components', '100', null],
      ['name,language,category,status,components', '100', '2'],
      ['name,language,category,status,components', '100', '4'],
    ]);
  });

  test('a paging link off the Graph API is not followed (it would carry the token)', async () => {
    fake = startFakeGraph();
    await using foreign = foreignHost();
    fake.setTemplates([1, 2, 3].map(entry), { pageSize: 2, nextOrigin: foreign.origin });
    const error = await clientFor(fake)
      .listTemplates()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ permanent: true });
    expect(foreign.seen).toEqual([]);
  });

  test('a Graph error while listing is classified like a send’s', async () => {
    fake = startFakeGraph();
    const error = await clientFor(fake, { accessToken: 'EAAGwrong' })
      .listTemplates()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ permanent: true, providerCode: 190 });
  });
});
