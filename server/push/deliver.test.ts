/**
 * @module server/push/deliver.test — the POST goes to the vetted addresses and nowhere else, over TLS checked against
 * the endpoint's name, and every answer becomes a Delivery. `push.example.com` resolves to nothing here (and never
 * to 127.0.0.1), so reaching the fake push service on 127.0.0.1 proves the pinned lookup is what the socket used.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { createECDH, randomBytes } from 'node:crypto';
import { browserSubscription, startFakePushService, vapidToken } from '../../test/support/fake-push';
import { createTransport, deliver, type DeliverOptions } from './deliver';
import type { Vapid } from './vapid';

function vapid(): Vapid {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url'), subject: 'mailto:ops@agency.co' };
}

function subscriptionAt(endpoint: string) {
  const { json } = browserSubscription(endpoint);
  return { endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth };
}

const LOOPBACK = [{ address: '127.0.0.1', family: 4 as const }];

const transports: ReturnType<typeof createTransport>[] = [];
afterAll(() => transports.forEach((t) => t.close()));

/** Each call on fresh connections (a Transport of its own), so no kept-alive socket carries a request elsewhere. */
function options(extra: Partial<DeliverOptions> & Pick<DeliverOptions, 'addresses'>): DeliverOptions {
  const transport = createTransport();
  transports.push(transport);
  return { vapid: vapid(), ttlSeconds: 60, topic: 'conv-1', timeoutMs: 5_000, transport, ...extra };
}

describe('deliver', () => {
  test('connects to the given address only, with TLS checked against the endpoint name', async () => {
    await using fake = startFakePushService({ tls: true });
    const to = subscriptionAt(`${fake.url}/push/rita`);
    expect(await deliver(to, '{"a":1}', options({ addresses: LOOPBACK, testNetwork: { ca: fake.ca } }))).toEqual({ outcome: 'delivered', status: 201 });
    expect(fake.received.map((r) => [r.path, r.headers.get('host')])).toEqual([['/push/rita', `push.example.com:${fake.port}`]]);
    expect(vapidToken(fake.received[0]!.headers.get('authorization')).claims.aud).toBe(fake.url);

    // Another address (nothing listens on 127.0.0.2), on fresh connections: the request fails rather than look the name up.
    const elsewhere = await deliver(to, '{"a":1}', options({ addresses: [{ address: '127.0.0.2', family: 4 }], testNetwork: { ca: fake.ca } }));
    expect(elsewhere).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('127.0.0.2') });
    // A certificate nobody vouches for is refused: the pinned address does not lower TLS's checks.
    expect(await deliver(to, '{"a":1}', options({ addresses: LOOPBACK }))).toMatchObject({ outcome: 'failed' });
    expect(fake.received).toHaveLength(1);
  });

  test('404 and 410 are gone, anything else failed with the start of its body; no answer in time is a timeout', async () => {
    await using fake = startFakePushService();
    fake.answer('/gone', 410);
    fake.answer('/missing', 404);
    fake.answer('/throttled', 429);
    fake.hang('/slow');
    const send = (path: string, extra: Partial<DeliverOptions> = {}) => deliver(subscriptionAt(`${fake.url}${path}`), '{}', options({ addresses: LOOPBACK, ...extra }));
    expect(await send('/gone')).toEqual({ outcome: 'gone', status: 410 });
    expect(await send('/missing')).toEqual({ outcome: 'gone', status: 404 });
    expect(await send('/throttled')).toEqual({ outcome: 'failed', status: 429, reason: '' });
    expect(await send('/slow', { timeoutMs: 100 })).toEqual({ outcome: 'failed', reason: 'no answer within 100 ms', timedOut: true });
    const stop = new AbortController();
    const aborted = send('/slow', { signal: stop.signal });
    await fake.arrived(5);
    stop.abort();
    expect(await aborted).toEqual({ outcome: 'failed', reason: 'aborted' });
  });

  test('a key web-push cannot encrypt to throws', () => {
    const bad = { endpoint: 'https://push.example.com/x', p256dh: randomBytes(65).toString('base64url'), auth: randomBytes(16).toString('base64url') };
    expect(() => deliver(bad, '{}', options({ addresses: LOOPBACK }))).toThrow();
  });
});
