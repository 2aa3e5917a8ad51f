/** @module test/hardening.test — bad input is a 4xx, not a 500: body sizes, percent-encoding, asset names; and the CSP on every page. */
import { afterAll, describe, expect, test } from 'bun:test';
import { createSession } from '../server/auth/sessions';
import { insertUser } from '../server/db/queries/users';
import { CONTENT_SECURITY_POLICY } from '../server/routes/html';
import { createApiToken } from '../server/services/api-tokens';
import { expectCspSafe } from '../views/inbox/html-check';
import { testApp, type TestApp } from './support/app';
import { listen } from './support/listen';
import { MAX_INBOUND_BYTES } from '../server/whatsapp/twilio-webhooks';

const KIB = 1024;

// Set up at load time, outside any hook's time limit (PGlite's start-up is slow on a busy machine).
const t: TestApp = await testApp();
const user = await insertUser(t.database.db, { email: 'ana@agency.co', name: 'Ana', role: 'admin', passwordHash: 'x' });
const session = await createSession(t.database.db, user.id, new Date());
const admin = { cookie: `wasap_session=${session.token}`, csrf: session.csrfToken };
const token = (await createApiToken(t.database.db, 'ci', 'test')).token;

afterAll(() => t[Symbol.asyncDispose]());

/** A body that never ends, counting what was pulled from it. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(16 * KIB).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  ); // nothing is pulled until someone reads
  return { stream, pulled: () => pulled };
}

const ROUTES_WITH_BODIES: { path: string; headers?: () => Record<string, string>; limit: number }[] = [
  { path: '/login', limit: 64 * KIB },
  { path: '/inbox/1/messages', headers: () => ({ cookie: admin.cookie, 'x-csrf-token': admin.csrf }), limit: 64 * KIB },
  { path: '/admin/canned', headers: () => ({ cookie: admin.cookie, 'x-csrf-token': admin.csrf }), limit: 64 * KIB },
  { path: '/api/admin/bot/scripts', headers: () => ({ authorization: `Bearer ${token}` }), limit: 1024 * KIB },
  // An inbound message is never refused for what it says: its form is read up to 4 MiB (server/routes/webhooks.ts).
  // A (wrong) signature: without one the body is not even read (403).
  { path: '/webhooks/twilio', headers: () => ({ 'x-twilio-signature': 'x' }), limit: MAX_INBOUND_BYTES },
  { path: '/webhooks/twilio/status', headers: () => ({ 'x-twilio-signature': 'x' }), limit: 64 * KIB },
  { path: '/webhooks/form', limit: 64 * KIB },
  { path: '/f/v1.1.1.x', limit: 64 * KIB },
];

describe('request bodies', () => {
  test.each(ROUTES_WITH_BODIES)('$path: a declared length past the limit is 413 before any byte is read', async ({ path, headers }) => {
    const body = endless();
    const response = await t.request(path, {
      method: 'POST',
      headers: { ...headers?.(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(50 * 1024 * KIB) },
      body: body.stream,
    });
    expect(response.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  // The webhooks read their own bodies (server/app.ts `selfRead`), after their checks: on this simulator-mode server
  // Twilio's inbound webhook is not in use and answers 404 without pulling a byte of a chunked body.
  const CHUNKED = ROUTES_WITH_BODIES.filter(({ path }) => path !== '/webhooks/twilio');
  test.each(CHUNKED)('$path: a chunked body is cut off at the limit while it is read', async ({ path, headers, limit }) => {
    const body = endless();
    const response = await t.request(path, { method: 'POST', headers: { ...headers?.(), 'content-type': 'application/x-www-form-urlencoded' }, body: body.stream });
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThan(limit + 64 * KIB);
  });

  test('a webhook of a provider not in use answers 404 without reading a chunked body', async () => {
    const body = endless();
    const response = await t.request('/webhooks/twilio', { method: 'POST', headers: { 'x-twilio-signature': 'x', 'content-type': 'application/x-www-form-urlencoded' }, body: body.stream });
    expect(response.status).toBe(404);
    expect(body.pulled()).toBe(0);
  });

  test('a bot script near the admin API limit is read (and judged on its merits, not its size)', async () => {
    const response = await t.request('/api/admin/bot/scripts', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `name: big\n# ${'x'.repeat(190_000)}\n` }),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('SCRIPT_INVALID');
  });

  test('a Content-Length that is not a number is 400', async () => {
    const response = await t.request('/login', { method: 'POST', headers: { 'content-length': 'lots', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a' });
    expect(response.status).toBe(400);
  });
});

describe('percent-encoding', () => {
  const bad = ['/login?next=%E0%A4%A', '/login?next=%', '/inbox?q=100%', '/f/%/thanks', '/f/v1.%zz', '/assets/%', '/privacy?lang=%C3'];
  test.each(bad)('%s is 400', async (path) => {
    const response = await t.request(path, { headers: { cookie: admin.cookie } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('MALFORMED_URL');
  });

  test('well-formed escapes still work', async () => {
    expect((await t.request('/login?next=%2Finbox%3Fq%3D%25')).status).toBe(200);
    expect((await t.request('/assets/htmx%2Ejs')).status).toBe(200);
    // A NUL or a fullwidth wildcard in a search is searched as text, never a failed query.
    for (const q of ['%00', 'mar%00ia', '%EF%BC%85']) expect((await t.request(`/inbox?q=${q}`, { headers: { cookie: admin.cookie } })).status).toBe(200);
  });
});

describe('assets', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'nope.js'])('/assets/%s is 404', async (name) => {
    expect((await t.request(`/assets/${name}`)).status).toBe(404);
  });

  test('the listed ones are served', async () => {
    for (const name of ['htmx.js', 'hx-ws.js', 'app.css', 'admin.css', 'inbox.js', 'icon.svg', 'icon-unread.svg']) expect((await t.request(`/assets/${name}`)).status).toBe(200);
  });

  test('the web app manifest is served as one, for installing the inbox on a phone', async () => {
    const manifest = await t.request('/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(await manifest.json()).toMatchObject({ name: 'Wasap', start_url: '/inbox', display: 'standalone', icons: [{ src: '/assets/icon.svg' }] });
    expect(await (await t.request('/login')).text()).toContain('<link rel="manifest" href="/manifest.webmanifest"/>');
  });

  test('every page names its icon, and /favicon.ico (which browsers ask for anyway) is served, not a 404', async () => {
    expect(await (await t.request('/login')).text()).toContain('<link rel="icon" href="/assets/icon.svg" type="image/svg+xml"/>');
    const icon = await t.request('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toStartWith('<svg');
  });
});

describe('Content-Security-Policy', () => {
  const pages: { path: string; signedIn: boolean }[] = [
    { path: '/login', signedIn: false },
    { path: '/inbox', signedIn: true },
    { path: '/admin/users', signedIn: true },
    { path: '/admin/canned', signedIn: true },
    { path: '/admin/audit', signedIn: true },
    { path: '/dev/phone?number=%2B573001234567', signedIn: false },
    { path: '/no/such/page', signedIn: false },
  ];
  test.each(pages)('$path has the strict policy and nothing inline it would block', async ({ path, signedIn }) => {
    const response = await t.request(path, { headers: { accept: 'text/html', ...(signedIn ? { cookie: admin.cookie } : {}) } });
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expectCspSafe(await response.text());
  });

  test('the policy allows no inline code, no eval and no other origin', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|https?:|data:/);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('a missing or malformed Host header', () => {
  /** One raw HTTP/1.1 request on a real socket (fetch cannot send a bad Host); resolves with the status line and body. */
  async function raw(port: number, head: string): Promise<string> {
    const { promise, resolve } = Promise.withResolvers<string>();
    let answer = '';
    await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => void socket.write(`${head}\r\nConnection: close\r\n\r\n`),
        data: (_socket, chunk) => void (answer += new TextDecoder().decode(chunk)),
        close: () => resolve(answer),
      },
    });
    return promise;
  }

  test('is a 400 that says so on every route that builds a URL from it, never a 500 with source code', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    await using server = listen(t);
    const port = Number(new URL(server.url).port);
    for (const head of ['GET /inbox HTTP/1.1\r\nHost: a b', 'GET /inbox/1 HTTP/1.1\r\nHost: [', 'POST /login HTTP/1.1\r\nHost: a:99999\r\nContent-Length: 0', 'GET /media/1 HTTP/1.0']) {
      const answer = await raw(port, head);
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(answer).toContain('BAD_HOST');
      expect(answer).not.toContain('.ts:');
    }
  });
});
