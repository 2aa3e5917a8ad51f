/** @module server/request-guard.test — body limits with and without Content-Length, URL encoding and body shape, in a small app. */
import { describe, expect, test } from 'bun:test';
import { Elysia, t } from 'elysia';
import { toErrorBody } from './errors';
import { assertPlainBody, assertWellEncoded, MAX_BODY_DEPTH, readCapped, requestGuard } from './request-guard';

/** A body that never ends, counting what was pulled from it. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
    },
    { highWaterMark: 0 },
  ); // nothing is pulled until someone reads
  return { stream, pulled: () => pulled };
}

function smallApp() {
  const routes = new Elysia({ name: 'routes' })
    .post('/raw', async ({ request }) => new TextDecoder().decode(await readCapped(request, 100)), { parse: 'none' })
    .post('/json', ({ body }) => body, { body: t.Object({ a: t.String() }) })
    .post('/any', ({ body }) => body)
    .post('/big', ({ body }) => body);
  return new Elysia()
    .onError({ as: 'global' }, function mapError({ code, error }) {
      const body = toErrorBody(code, error);
      return Response.json(body, { status: body.status });
    })
    .use(requestGuard({ max: 200, routes: { '/big': 5000 } }))
    .use(routes);
}

function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return smallApp().handle(new Request(`http://localhost${path}`, { method: 'POST', body, headers }));
}

describe('body limits', () => {
  test('bodies within the limit parse as Elysia parses them, with or without Content-Length', async () => {
    expect(await (await post('/json', '{"a":"x"}', { 'content-type': 'application/json' })).json()).toEqual({ a: 'x' });
    expect(await (await post('/json', '{"a":"x"}', { 'content-type': 'application/json', 'content-length': '9' })).json()).toEqual({ a: 'x' });
    expect(await (await post('/any', 'a=1&a=2&b=3', { 'content-type': 'application/x-www-form-urlencoded' })).json()).toEqual({ a: ['1', '2'], b: '3' });
    const form = new FormData();
    form.append('a', 'b');
    form.append('file', new Blob(['hello']), 'hello.txt');
    const parsed = await (await post('/big', form)).json();
    expect(parsed.a).toBe('b');
    expect(await (await post('/raw', 'kept as sent')).text()).toBe('kept as sent');
  });

  test('a declared length past the limit is 413 before the body is read', async () => {
    const body = endless();
    const response = await post('/json', body.stream, { 'content-type': 'application/json', 'content-length': '1000000' });
    expect(response.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  test('a chunked body is cut off once it passes the limit, also on a route that reads its own body', async () => {
    for (const path of ['/json', '/any', '/raw']) {
      const body = endless();
      expect((await post(path, body.stream, { 'content-type': 'application/json' })).status).toBe(413);
      expect(body.pulled()).toBeLessThan(200 + 2048);
    }
  });

  test('a route can have a larger limit', async () => {
    const text = JSON.stringify({ a: 'x'.repeat(1000) });
    expect((await post('/json', text, { 'content-type': 'application/json' })).status).toBe(413);
    expect((await post('/big', text, { 'content-type': 'application/json' })).status).toBe(200);
  });

  test('a Content-Length that is not a number of bytes is 400', async () => {
    expect((await post('/json', '{}', { 'content-type': 'application/json', 'content-length': '1e3' })).status).toBe(400);
  });
});

describe('URL and body checks', () => {
  test('a path or query that does not percent-decode is 400; good escapes pass', async () => {
    expect(() => assertWellEncoded('http://localhost/a/%E2%82%AC?q=%25')).not.toThrow();
    for (const url of ['http://localhost/%', 'http://localhost/a?q=%zz', 'http://localhost/%E0%A4%A', 'http://localhost/%ED%A0%80']) {
      expect(() => assertWellEncoded(url)).toThrow(expect.objectContaining({ code: 'MALFORMED_URL', status: 400 }));
    }
    expect((await smallApp().handle(new Request('http://localhost/json?x=%', { method: 'POST', body: '{"a":"x"}', headers: { 'content-type': 'application/json' } }))).status).toBe(400);
  });

  test('an object with its own toString, or nesting past the limit, is 400 (it was a 500 inside Elysia)', async () => {
    const bad = await post('/json', '{"a":[{"toString":""}]}', { 'content-type': 'application/json' });
    expect({ status: bad.status, code: (await bad.json()).code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
    const form = new FormData();
    form.append('a', '[{"toString":1}]');
    expect((await post('/json', form)).status).toBe(400);
    expect(() => assertPlainBody(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toThrow(`deeper than ${MAX_BODY_DEPTH}`);
    expect(() => assertPlainBody({ a: [{ b: { valueOf: 1, constructor: 2, __proto__: null } }], c: new Blob(['x']) })).not.toThrow();
    expect((await post('/json', '{"a":1}', { 'content-type': 'application/json' })).status).toBe(422);
  });
});
