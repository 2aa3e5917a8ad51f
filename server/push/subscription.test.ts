/** @module server/push/subscription.test — which subscriptions are taken: a push service's https endpoint and keys of the right size. */
import { describe, expect, test } from 'bun:test';
import { createECDH, randomBytes } from 'node:crypto';
import { InvalidSubscriptionError, parseSubscription } from './subscription';

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH';

function fieldOf(input: unknown, rules = {}): string {
  try {
    parseSubscription(input, rules);
  } catch (error) {
    if (error instanceof InvalidSubscriptionError) return error.field;
    throw error;
  }
  throw new Error('expected an InvalidSubscriptionError');
}

describe('parseSubscription', () => {
  test("takes a browser's subscription as it is, and drops base64 padding", () => {
    const keys = browserKeys();
    expect(parseSubscription({ endpoint: ENDPOINT, expirationTime: null, keys })).toEqual({ endpoint: ENDPOINT, ...keys });
    expect(parseSubscription({ endpoint: ENDPOINT, keys: { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` } })).toEqual({ endpoint: ENDPOINT, ...keys });
  });

  test.each([
    ['http://fcm.googleapis.com/fcm/send/x', 'plain http'],
    ['https://127.0.0.1/push', 'an IP address'],
    ['https://[::1]/push', 'an IPv6 address'],
    ['https://localhost/push', 'localhost'],
    ['https://push.localhost/x', 'a .localhost name'],
    ['https://intranet/push', 'a single-label name'],
    ['https://localhost./push', 'localhost with a trailing dot'],
    ['https://LOCALHOST./push', 'localhost in capitals'],
    ['https://127.0.0.1.nip.io/push', 'a name that maps an IP (nip.io)'],
    ['https://169.254.169.254.sslip.io/push', 'a name that maps an IP (sslip.io)'],
    ['https://metadata.google.internal/push', 'a cloud metadata name'],
    ['https://printer.local/push', 'an mDNS name'],
    ['https://push.example.com:8443/x', 'another port'],
    ['https://user:pw@push.example.com/x', 'credentials'],
    [`https://push.example.com/${'a'.repeat(2100)}`, 'too long'],
    ['https://push.example.com/a b', 'a space'],
    ['http://127.0.0.1:9999/push', 'loopback http without the test option'],
  ])('refuses the endpoint %s (%s)', (endpoint) => {
    expect(fieldOf({ endpoint, keys: browserKeys() })).toBe('endpoint');
  });

  test('loopback http only with the explicit test option, and only loopback', () => {
    const keys = browserKeys();
    expect(parseSubscription({ endpoint: 'http://127.0.0.1:9999/push/1', keys }, { allowLoopbackHttp: true }).endpoint).toBe('http://127.0.0.1:9999/push/1');
    expect(fieldOf({ endpoint: 'http://10.0.0.1:9999/push/1', keys }, { allowLoopbackHttp: true })).toBe('endpoint');
  });

  test('keys must be base64url of the right size, and p256dh a point on P-256', () => {
    const keys = browserKeys();
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    const compressed = Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 1)]).toString('base64url');
    expect(fieldOf({ endpoint: ENDPOINT })).toBe('keys.p256dh');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, p256dh: keys.p256dh.slice(0, 40) } })).toBe('keys.p256dh');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, p256dh: offCurve } })).toBe('keys.p256dh');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, p256dh: compressed } })).toBe('keys.p256dh');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, p256dh: keys.p256dh.replace(/[-_]/g, '+') + 'x' } })).toBe('keys.p256dh');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, auth: randomBytes(32).toString('base64url') } })).toBe('keys.auth');
    expect(fieldOf({ endpoint: ENDPOINT, keys: { ...keys, auth: 42 } })).toBe('keys.auth');
    expect(fieldOf('nonsense')).toBe('endpoint');
  });
});
