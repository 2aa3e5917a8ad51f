/**
 * @module test/faults/blob-store-outage.test — the S3 blob store (s3rver, a real S3 API on 127.0.0.1) is down when
 * an aspirant's photo arrives: the photo waits, is never marked unavailable, and is stored once the store is back.
 */
import { expect, test } from 'bun:test';
import S3rver from 's3rver';
import { media } from '../../server/db/schema';
import { S3BlobStore } from '../../server/storage';
import { testApp } from '../support/app';
import { startFakeTwilio } from '../support/fake-twilio';
import { tempDir } from '../support/temp';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const from = '+573105550001';

test('a photo that arrives while the blob store is down waits and is stored once it is back', async () => {
  using dir = tempDir('wasap-s3rver-');
  const options = (port: number) => ({ port, address: '127.0.0.1', silent: true, directory: dir.path, configureBuckets: [{ name: 'wasap-media', configs: [] }] });
  let s3 = new S3rver(options(0));
  const { port } = await s3.run();
  await s3.close();
  await using fake = startFakeTwilio();
  const blobs = new S3BlobStore({
    bucket: 'wasap-media',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { blobs, mediaStorageBackoffMs: () => 50 } });
  const waiting = t.waitForLog((line) => line.msg === 'media storage unavailable; waiting to retry');
  const params = inboundParams(fake, from, '', { NumMedia: '1', MediaUrl0: fake.addMedia(PNG, 'image/png'), MediaContentType0: 'image/png' });
  expect((await signedPost(t, '/webhooks/twilio', params, fake.authToken)).status).toBe(200);
  await waiting;
  expect((await t.database.db.select().from(media))[0]).toMatchObject({ state: 'pending', blobKey: null });

  s3 = new S3rver(options(port));
  await s3.run();
  try {
    await t.services.media.idle();
    await t.services.conversations.registry.ask(from, () => null);
    const [row] = await t.database.db.select().from(media);
    expect(row).toMatchObject({ state: 'stored', kind: 'image', size: PNG.length, error: null });
    expect(await blobs.head(row!.blobKey!)).toEqual({ size: PNG.length, contentType: 'image/png' });
  } finally {
    await s3.close();
  }
});
