/** @module server/storage/index.test — the factory picks S3 when a bucket is configured, else the local folder. */
import { expect, test } from 'bun:test';
import { createBlobStore, LocalBlobStore, S3BlobStore } from './index';

test('createBlobStore picks the local folder without S3 settings', () => {
  const store = createBlobStore({ mediaDir: '/srv/wasap/media' });
  expect(store).toBeInstanceOf(LocalBlobStore);
  expect(store.kind).toBe('local');
  expect((store as LocalBlobStore).rootDir).toBe('/srv/wasap/media');
});

test('createBlobStore picks S3 when a bucket is configured', () => {
  const store = createBlobStore({
    mediaDir: '/srv/wasap/media',
    s3: { bucket: 'wasap-media', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true },
  });
  expect(store).toBeInstanceOf(S3BlobStore);
  expect(store.kind).toBe('s3');
  expect((store as S3BlobStore).bucket).toBe('wasap-media');
});
