/**
 * @module test/support/fake-push — a push service on 127.0.0.1 (port 0) standing in for a browser's endpoint — plain
 * http, or https as `push.example.com` with a test certificate — and a browser's side of a subscription: its own
 * P-256 key pair and auth secret, which decrypt what the server sent (RFC 8291 over RFC 8188 aes128gcm, with
 * node:crypto alone) and check its VAPID token (RFC 8292).
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';

export interface PushRequest {
  /** The endpoint's path: which subscription it was for. */
  path: string;
  headers: Headers;
  body: Uint8Array;
}

/**
 * A self-signed certificate (its own CA) for `push.example.com` and `*.push.example.com`, P-256, valid 2020–2120:
 * for tests only, its private key is public right here.
 */
export const TEST_PUSH_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBfjCCASSgAwIBAgIUPszy8szYKXvrkbk2Q/CX+s944/swCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQcHVzaC5leGFtcGxlLmNvbTAgFw0yMDAxMDEwMDAwMDBaGA8y
MTIwMDEwMTAwMDAwMFowGzEZMBcGA1UEAwwQcHVzaC5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABNRco80CWId/WK6UmYl5by2qFuHP19Ir7tVI
v7PxYz1limwJsLyhI6wGAQqDfljtndAoghljSRVQrzj99yC/EiKjRDBCMC8GA1Ud
EQQoMCaCEHB1c2guZXhhbXBsZS5jb22CEioucHVzaC5leGFtcGxlLmNvbTAPBgNV
HRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCJflNLA8EXU1a9JJGYIsV6
FbfZTtVsPNkkFPl29cCZ1QIgAbLAnuwVBj5zzD+tqRjJQlcvlFe8RSd0f4QtXV0h
1WA=
-----END CERTIFICATE-----`;

const TEST_PUSH_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgd3VbIqB0+e6fHnAY
vsQo0Y6on7xtri+glKMopSAvnjahRANCAATUXKPNAliHf1iulJmJeW8tqhbhz9fS
K+7VSL+z8WM9ZYpsCbC8oSOsBgEKg35Y7Z3QKIIZY0kVUK84/fcgvxIi
-----END PRIVATE KEY-----`;

export interface FakePushService extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, or with `tls` `https://push.example.com:<port>` (a name only a pinned lookup reaches). */
  url: string;
  port: number;
  /** With `tls`: the certificate to trust (TEST_PUSH_CERTIFICATE). */
  ca?: string;
  received: PushRequest[];
  /** Answer requests for `path` with this status from now on (201 otherwise), even one that hung before. */
  answer(path: string, status: number): void;
  /** Never answer requests for `path` (a push service that hangs). */
  hang(path: string): void;
  /** Resolves once `count` requests in all have arrived. */
  arrived(count: number): Promise<void>;
}

/** With `tls`, the service speaks https with TEST_PUSH_CERTIFICATE (any name under push.example.com). */
export function startFakePushService(options: { tls?: boolean } = {}): FakePushService {
  const received: PushRequest[] = [];
  const statuses = new Map<string, number>();
  const hanging = new Set<string>();
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    ...(options.tls ? { tls: { cert: TEST_PUSH_CERTIFICATE, key: TEST_PUSH_KEY } } : {}),
    async fetch(request) {
      const path = new URL(request.url).pathname;
      received.push({ path, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) });
      for (const waiter of waiters) if (received.length >= waiter.count) (waiters.delete(waiter), waiter.resolve());
      if (hanging.has(path)) return new Promise<Response>(() => {});
      return new Response(null, { status: statuses.get(path) ?? 201 });
    },
  });
  return {
    url: options.tls ? `https://push.example.com:${server.port}` : `http://127.0.0.1:${server.port}`,
    port: server.port!,
    ...(options.tls ? { ca: TEST_PUSH_CERTIFICATE } : {}),
    received,
    answer(path, status) {
      hanging.delete(path);
      statuses.set(path, status);
    },
    hang: (path) => void hanging.add(path),
    arrived(count) {
      if (received.length >= count) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.add({ count, resolve });
      return promise;
    },
    async [Symbol.asyncDispose]() {
      await server.stop(true);
    },
  };
}

export interface BrowserSubscription {
  /** What `PushSubscription.toJSON()` gives the page. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  /** The plaintext of an aes128gcm push message for this subscription; throws if it does not decrypt. */
  decrypt(body: Uint8Array): string;
}

/** A browser's subscription to `endpoint`: a fresh key pair (`ua_public`) and 16-byte auth secret. */
export function browserSubscription(endpoint: string): BrowserSubscription {
  const ecdh = createECDH('prime256v1');
  const uaPublic = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    json: { endpoint, expirationTime: null, keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') } },
    decrypt(body) {
      // RFC 8188 §2.1 header: salt (16) ‖ rs (4) ‖ idlen (1) ‖ keyid — here the server's ephemeral key, `as_public`.
      const data = Buffer.from(body);
      const salt = data.subarray(0, 16);
      const recordSize = data.readUInt32BE(16);
      const idlen = data[20]!;
      const asPublic = data.subarray(21, 21 + idlen);
      const record = data.subarray(21 + idlen);
      if (idlen !== 65 || record.length > recordSize) throw new Error(`not one aes128gcm record for a P-256 key (idlen ${idlen}, ${record.length} > rs ${recordSize})`);
      // RFC 8291 §3.3–3.4: the input keying material from the ECDH secret and the auth secret, then RFC 8188's key and nonce.
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
      const ikm = Buffer.from(hkdfSync('sha256', ecdh.computeSecret(asPublic), authSecret, keyInfo, 32));
      const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
      const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(record.subarray(-16));
      const padded = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
      // The last (here the only) record's plaintext ends with the delimiter 0x02 and any zero padding.
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end--;
      if (padded[end] !== 2) throw new Error('the record does not end with the last-record delimiter');
      return padded.subarray(0, end).toString('utf8');
    },
  };
}

/** The VAPID token and key of an `Authorization: vapid t=…, k=…` header, with whether the signature verifies with k. */
export function vapidToken(authorization: string | null): { claims: { aud: string; exp: number; sub: string }; header: { alg: string }; key: string; signed: boolean } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [header, claims, signature] = match[1]!.split('.') as [string, string, string];
  const point = Buffer.from(match[2]!, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  const signed = verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { claims: json(claims), header: json(header), key: match[2]!, signed };
}
