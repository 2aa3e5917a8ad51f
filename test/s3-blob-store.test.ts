/** @module test/s3-blob-store.test — the S3 store against s3rver on 127.0.0.1: round trips, misses, and check() failures. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import S3rver from 's3rver';
import { S3BlobStore } from '../server/storage/s3-blob-store';
import { tempDir } from './support/temp';

const dir = tempDir('wasap-s3rver-');
const s3rver = new S3rver({
  port: 0,
  address: '127.0.0.1',
  silent: true,
  directory: dir.path,
  configureBuckets: [{ name: 'test-bucket', configs: [] }],
});
let endpoint: string;

function storeFor(bucket: string, at = endpoint): S3BlobStore {
  return new S3BlobStore({
    bucket,
    endpoint: at,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    checkTimeoutMs: 2_000,
  });
}

beforeAll(async () => {
  const { address, port } = await s3rver.run();
  endpoint = `http://${address}:${port}`;
});

afterAll(async () => {
  await s3rver.close();
  dir[Symbol.dispose]();
});

describe('S3BlobStore', () => {
  test('put stores every byte value with size, sha256 and content type; get, head and response read them back', async () => {
    const store = storeFor('test-bucket');
    const data = Uint8Array.from({ length: 1024 }, (_, i) => i % 256);
    const stored = await store.put('media/2026/11/0193-a.jpg', data, 'image/jpeg');
    expect(stored).toEqual({
      key: 'media/2026/11/0193-a.jpg',
      size: 1024,
      checksum: createHash('sha256').update(data).digest('hex'),
      contentType: 'image/jpeg',
    });
    expect(await store.get('media/2026/11/0193-a.jpg')).toEqual({ bytes: data, contentType: 'image/jpeg', size: 1024 });
    expect(await store.head('media/2026/11/0193-a.jpg')).toEqual({ size: 1024, contentType: 'image/jpeg' });
    const response = (await store.response('media/2026/11/0193-a.jpg'))!;
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe('1024');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(data);
  });

  test('missing keys read as null, and delete removes the object and is idempotent', async () => {
    const store = storeFor('test-bucket');
    expect(await store.get('media/none.jpg')).toBeNull();
    expect(await store.head('media/none.jpg')).toBeNull();
    expect(await store.response('media/none.jpg')).toBeNull();
    await store.put('media/gone.pdf', new TextEncoder().encode('%PDF-1.7'), 'application/pdf');
    await store.delete('media/gone.pdf');
    await store.delete('media/gone.pdf');
    expect(await store.head('media/gone.pdf')).toBeNull();
  });

  test('bad keys are refused before any request', async () => {
    const store = storeFor('test-bucket');
    for (const key of ['../x', '/abs.jpg', 'a\\b', 'a b.jpg']) {
      expect(await store.put(key, new Uint8Array([1]), 'image/png').catch((e: unknown) => e)).toMatchObject({ code: 'BAD_BLOB_KEY' });
      expect(await store.get(key).catch((e: unknown) => e)).toMatchObject({ code: 'BAD_BLOB_KEY' });
    }
  });

  test('check passes for an existing bucket and explains a missing one', async () => {
    await storeFor('test-bucket').check();
    const error = await storeFor('no-such-bucket')
      .check()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    expect((error as Error).message).toBe(`S3 bucket "no-such-bucket" at ${endpoint} is not usable: the bucket does not exist (check S3_BUCKET and S3_REGION).`);
  });

  test('check explains an endpoint where nothing listens', async () => {
    const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
    const deadEndpoint = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const error = await storeFor('test-bucket', deadEndpoint)
      .check()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    expect((error as Error).message).toStartWith(`S3 bucket "test-bucket" at ${deadEndpoint} is not usable: `);
    expect((error as Error).message).toEndWith('(check S3_ENDPOINT and the network).');
  });
});
