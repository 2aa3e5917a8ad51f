/** @module test/media-download.test — the Twilio media downloader against a local server: auth, redirects, retries, size cap. */
import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadMedia, type DownloadMediaOptions, MediaDownloadError } from '../server/whatsapp/media-download';

const SID = 'AC' + '0'.repeat(32);
const TOKEN = 'tok_' + 'f'.repeat(28);
const BASIC = 'Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64');
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

interface Seen {
  host: string;
  path: string;
  authorization: string | null;
}

let seen: Seen[] = [];
let route: (path: string, request: Request) => Response = () => new Response('no route', { status: 418 });

const server = Bun.serve({
  port: 0,
  fetch(request) {
    const url = new URL(request.url);
    seen.push({ host: url.hostname, path: url.pathname, authorization: request.headers.get('authorization') });
    return route(url.pathname, request);
  },
});
const twilio = `http://127.0.0.1:${server.port}`;
const cdn = `http://localhost:${server.port}`;
const mediaUrl = `${twilio}/2010-04-01/Accounts/${SID}/Messages/MM1/Media/ME1`;

afterAll(() => server.stop(true));

let sleeps: number[] = [];
beforeEach(() => {
  seen = [];
  sleeps = [];
});

function options(overrides: Partial<DownloadMediaOptions> = {}): DownloadMediaOptions {
  return {
    accountSid: SID,
    authToken: TOKEN,
    maxBytes: 1_000,
    trustedHosts: (host) => host === '127.0.0.1',
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  };
}

/** Twilio's side: wants the credentials, then sends the client to the CDN. */
function twilioThenCdn(cdnResponse: () => Response): typeof route {
  return (path, request) => {
    if (path.startsWith('/cdn/')) return cdnResponse();
    if (request.headers.get('authorization') !== BASIC) return new Response('auth required', { status: 401 });
    return new Response(null, { status: 307, headers: { location: `${cdn}/cdn/ME1?Expires=1&Signature=secret-sig` } });
  };
}

/** The rejection, checked to be a MediaDownloadError whose message keeps the token secret. */
async function failure(promise: Promise<unknown>): Promise<MediaDownloadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaDownloadError);
  const message = (error as Error).message;
  expect(message).not.toContain(TOKEN);
  expect(message).not.toContain(BASIC.slice(6));
  return error as MediaDownloadError;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** An endless chunked body: only a reader that stops at the cap ever finishes. */
function endlessBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(256)) });
}

describe('downloadMedia', () => {
  test('sends the credentials to the trusted host and not to the CDN it redirects to', async () => {
    route = twilioThenCdn(() => new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } }));
    expect(await downloadMedia(mediaUrl, options())).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
    expect(seen).toEqual([
      { host: '127.0.0.1', path: `/2010-04-01/Accounts/${SID}/Messages/MM1/Media/ME1`, authorization: BASIC },
      { host: 'localhost', path: '/cdn/ME1', authorization: null },
    ]);
    expect(sleeps).toEqual([]);
  });

  test('a wrong token fails at once with the 401, without retries or the token in the message', async () => {
    route = twilioThenCdn(() => new Response(JPEG));
    const error = await failure(downloadMedia(mediaUrl, options({ authToken: 'wrong-token' })));
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: 401 });
    expect(error.message).not.toContain('wrong-token');
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('404, 404, then 200 succeeds after sleeping 1 s and 3 s', async () => {
    let calls = 0;
    route = twilioThenCdn(() => (++calls < 3 ? new Response('not yet', { status: 404 }) : new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } })));
    expect(await downloadMedia(mediaUrl, options())).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
    expect(sleeps).toEqual([1_000, 3_000]);
    // Each attempt starts again at Twilio, since CDN links expire.
    expect(seen.map((s) => s.host)).toEqual(['127.0.0.1', 'localhost', '127.0.0.1', 'localhost', '127.0.0.1', 'localhost']);
  });

  test('three 500s fail with the status after two sleeps', async () => {
    route = () => new Response('boom', { status: 500 });
    const error = await failure(downloadMedia(mediaUrl, options()));
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: 500 });
    expect(error.message).toContain('gave up after 3 attempts');
    expect(sleeps).toEqual([1_000, 3_000]);
    expect(seen).toHaveLength(3);
  });

  test('network errors are retried, then reported without the token', async () => {
    const refusing = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = refusing.port;
    const deadUrl = `http://127.0.0.1:${port}/Media/ME1`;
    await refusing.stop(true);
    const error = await failure(downloadMedia(deadUrl, options()));
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: undefined });
    expect(error.message).toStartWith(`Could not reach 127.0.0.1:${port}: `);
    expect(sleeps).toEqual([1_000, 3_000]);
  });

  test('a network error that echoes the credentials is scrubbed', async () => {
    const leaky = (async () => {
      throw new TypeError(`connect failed for https://${SID}:${TOKEN}@api.twilio.com (${BASIC})`);
    }) as unknown as typeof fetch;
    const error = await failure(downloadMedia(mediaUrl, options({ fetch: leaky })));
    expect(error.message).toBe(`Could not reach 127.0.0.1:${server.port}: connect failed for https://${SID}:***@api.twilio.com (Basic ***) (gave up after 3 attempts)`);
  });

  test('a Content-Length over the cap is refused before the body is read', async () => {
    // Bun.serve drops Content-Length on streamed bodies, so this CDN is node:http: it promises 1001 bytes
    // and sends 10, then stalls — reading the body would hang, so passing proves the header alone decided.
    const stalling = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '1001' });
      response.write(new Uint8Array(10));
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    await using _ = { [Symbol.asyncDispose]: () => closeServer(stalling) };
    const port = (stalling.address() as AddressInfo).port;
    route = () => new Response(null, { status: 302, headers: { location: `http://localhost:${port}/big.jpg` } });
    const error = await failure(downloadMedia(mediaUrl, options()));
    expect(error).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(error.message).toBe(`The media file at localhost:${port}/big.jpg is larger than the 1000-byte limit.`);
    expect(sleeps).toEqual([]);
  });

  test('a body without Content-Length is cut off once it passes the cap', async () => {
    route = twilioThenCdn(() => new Response(endlessBody()));
    const error = await failure(downloadMedia(mediaUrl, options()));
    expect(error).toMatchObject({ code: 'MEDIA_TOO_LARGE' });
    expect(sleeps).toEqual([]);
  });

  test('a body of exactly maxBytes is accepted', async () => {
    const exact = new Uint8Array(1_000).fill(7);
    route = twilioThenCdn(() => new Response(exact, { headers: { 'content-type': 'application/pdf' } }));
    expect(await downloadMedia(mediaUrl, options())).toEqual({ bytes: exact, contentType: 'application/pdf' });
  });

  test('follows at most five redirects', async () => {
    route = (path) => new Response(null, { status: 302, headers: { location: `${path.slice(0, -1)}${Number(path.at(-1)) + 1}` } });
    const error = await failure(downloadMedia(`${twilio}/hop0`, options()));
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: 302 });
    expect(error.message).toContain('Too many redirects');
    expect(seen.map((s) => s.path)).toEqual(['/hop0', '/hop1', '/hop2', '/hop3', '/hop4', '/hop5']);
  });

  test('an unparsable Location fails cleanly', async () => {
    route = () => new Response(null, { status: 302, headers: { location: 'http://[::bad' } });
    const error = await failure(downloadMedia(mediaUrl, options()));
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', status: 302, message: `127.0.0.1:${server.port} redirected to an invalid URL` });
  });

  test('a redirect to a non-HTTP URL is not followed', async () => {
    route = () => new Response(null, { status: 302, headers: { location: 'file:///etc/passwd' } });
    const error = await failure(downloadMedia(mediaUrl, options()));
    expect(error.message).toBe('Refusing to fetch media over file:');
    expect(seen).toHaveLength(1);
  });
});

describe('which hosts see the credentials', () => {
  async function authorizationSentTo(url: string): Promise<string | null> {
    let sent: string | null = 'not called';
    const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
      sent = new Headers(init?.headers).get('authorization');
      return new Response(JPEG);
    }) as typeof fetch;
    await downloadMedia(url, options({ fetch: fakeFetch, trustedHosts: () => false }));
    return sent;
  }

  test('Twilio hosts over https only', async () => {
    expect(await authorizationSentTo('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1')).toBe(BASIC);
    expect(await authorizationSentTo('https://media.us1.twilio.com/x')).toBe(BASIC);
    expect(await authorizationSentTo('http://api.twilio.com/x')).toBeNull();
    expect(await authorizationSentTo('https://eviltwilio.com/x')).toBeNull();
    expect(await authorizationSentTo('https://api.twilio.com.evil.example/x')).toBeNull();
    expect(await authorizationSentTo('https://mms.twiliocdn.com/x')).toBeNull();
  });
});
