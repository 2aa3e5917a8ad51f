/** @module test/media.test — inbound media lands in the local folder or S3 with its real type and size; failures stay visible and retryable. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';
import { eq } from 'drizzle-orm';
import { media, messages } from '../server/db/schema';
import { S3BlobStore } from '../server/storage';
import { testApp, type TestApp } from './support/app';
import { startFakeTwilio, type FakeTwilio } from './support/fake-twilio';
import { tempDir } from './support/temp';
import { inboundParams, signedPost, twilioEnv } from './support/twilio-env';

/** A real 1×1 PNG. */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const from = '+573105550000';

async function sendPhoto(t: TestApp, fake: FakeTwilio, url: string, contentType = 'image/jpeg') {
  const response = await signedPost(t, '/webhooks/twilio', inboundParams(fake, from, '', { NumMedia: '1', MediaUrl0: url, MediaContentType0: contentType }), fake.authToken);
  expect(response.status).toBe(200);
  await t.services.conversations.registry.ask(from, () => null);
  await t.services.media.idle();
  await t.services.conversations.registry.ask(from, () => null);
}

const s3dir = tempDir('wasap-s3rver-');
const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir.path, configureBuckets: [{ name: 'wasap-media', configs: [] }] });
let s3endpoint = '';
beforeAll(async () => {
  const { address, port } = await s3rver.run();
  s3endpoint = `http://${address}:${port}`;
});
afterAll(async () => {
  await s3rver.close();
  s3dir[Symbol.dispose]();
});

describe('inbound media', () => {
  test('a photo behind Twilio auth and a redirect lands in the local media folder with its sniffed type and size', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake) });
    await sendPhoto(t, fake, fake.addMedia(PNG, 'image/jpeg', { redirect: true }));
    const [row] = await t.database.db.select().from(media);
    expect(row).toMatchObject({ state: 'stored', kind: 'image', contentType: 'image/png', size: PNG.length, checksum: createHash('sha256').update(PNG).digest('hex') });
    expect(row?.blobKey).toMatch(/^media\/\d{4}\/\d{2}\/[0-9a-f-]+\.png$/);
    const file = join(t.config.dataDir, 'media', row!.blobKey!);
    expect(existsSync(file)).toBe(true);
    expect(new Uint8Array(readFileSync(file))).toEqual(PNG);
    const [message] = await t.database.db.select().from(messages);
    expect(message).toMatchObject({ sender: 'aspirant', body: '' });
  });

  test('with S3 configured the photo lands in the bucket', async () => {
    await using fake = startFakeTwilio();
    const blobs = new S3BlobStore({ bucket: 'wasap-media', endpoint: s3endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { blobs } });
    await sendPhoto(t, fake, fake.addMedia(PNG, 'image/png'));
    const [row] = await t.database.db.select().from(media);
    expect(row).toMatchObject({ state: 'stored', kind: 'image', size: PNG.length });
    expect(await blobs.head(row!.blobKey!)).toEqual({ size: PNG.length, contentType: 'image/png' });
  });

  test('a download that keeps failing leaves the message with media unavailable, and retry stores it later', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { mediaRetryDelaysMs: [0, 0] } });
    const missing = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
    await sendPhoto(t, fake, missing);
    const [failed] = await t.database.db.select().from(media);
    expect(failed).toMatchObject({ state: 'unavailable', attempts: 1 });
    expect(failed?.error).toContain('404');
    expect(await t.database.db.select().from(messages).where(eq(messages.sender, 'aspirant'))).toHaveLength(1);
    // Later the file is reachable (the fake serves it at a new URL; the row is pointed there), and a recruiter retries.
    await t.database.db.update(media).set({ sourceUrl: fake.addMedia(PNG, 'image/png') });
    expect(await t.services.media.retry(failed!.id)).toBe(true);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(from, () => null);
    expect((await t.database.db.select().from(media))[0]).toMatchObject({ state: 'stored', size: PNG.length, error: null });
  });

  test('bytes that are not a media type are kept as an opaque download, never as what they claim to be', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake) });
    const html = '<html><script>alert(1)</script></html>';
    await sendPhoto(t, fake, fake.addMedia(html, 'image/jpeg'));
    const [row] = await t.database.db.select().from(media);
    expect(row).toMatchObject({ state: 'stored', kind: 'document', contentType: 'application/octet-stream', size: html.length, error: null });
    expect(row?.blobKey).toMatch(/\.bin$/);
  });
});
