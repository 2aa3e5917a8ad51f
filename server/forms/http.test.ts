/** @module server/forms/http.test — the client address for rate limits: the socket's, or the proxy's last hop when trusted. */
import { expect, test } from 'bun:test';
import { clientIp, readBody } from './http';

const socket = { requestIP: () => ({ address: '10.0.0.7' }) };

test('X-Forwarded-For counts only behind a trusted proxy, and only its last entry', () => {
  const request = new Request('http://localhost/f/x', { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } });
  expect(clientIp(request, socket, false)).toBe('10.0.0.7');
  expect(clientIp(request, socket, true)).toBe('203.0.113.9');
  expect(clientIp(new Request('http://localhost/'), socket, true)).toBe('10.0.0.7');
  expect(clientIp(new Request('http://localhost/'), null, false)).toBe('unknown');
});

test('a body past the limit is refused even without Content-Length', async () => {
  const big = new Request('http://localhost/', { method: 'POST', body: new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array(2048)), c.close()) }) });
  await expect(readBody(big, 1024)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  expect(await readBody(new Request('http://localhost/', { method: 'POST', body: 'a=b' }), 1024)).toBe('a=b');
});
