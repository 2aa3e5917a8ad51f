/**
 * @module test/privacy/erase.test — an erasure (Law 1581 Art. 15) leaves no row, file or S3 object with her data: every
 * public table and every object of the blob store (local folder, and S3 on s3rver) is scanned for her number, names and
 * e-mail before (they are there) and after (they are gone), while the bystander keeps everything. A later message from
 * her number starts a clean aspirant who is still opted out; replay answers 410 for her erased conversation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import S3rver from 's3rver';
import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { aspirants, consents, conversations, erasedSubjects, messages, media } from '../../server/db/schema';
import { S3BlobStore } from '../../server/storage/s3-blob-store';
import { drivers } from '../support/db';
import { inboundParams, signedPost } from '../support/twilio-env';
import { tempDir } from '../support/temp';
import { buildWorld, HER, localFiles, localRoot, PHONE, tablesMentioning, type World } from './erase-world';

const s3dir = tempDir('wasap-s3rver-erase-');
const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir.path, configureBuckets: [{ name: 'erase-bucket', configs: [] }] });
let endpoint: string;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

beforeAll(async () => {
  const { address, port } = await s3rver.run();
  endpoint = `http://${address}:${port}`;
});
afterAll(async () => {
  await s3rver.close();
  s3dir[Symbol.dispose]();
});

/** Every object in the bucket with its text. */
async function s3Objects(): Promise<{ path: string; text: string }[]> {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  const listed = await client.send(new ListObjectsV2Command({ Bucket: 'erase-bucket' }));
  const out = [];
  for (const { Key } of listed.Contents ?? []) {
    const object = await client.send(new GetObjectCommand({ Bucket: 'erase-bucket', Key }));
    out.push({ path: Key!, text: Buffer.from(await object.Body!.transformToByteArray()).toString('latin1') });
  }
  return out;
}

const api = (w: World, path: string, init: RequestInit = {}) =>
  w.t.request(path, { ...init, headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

const mentions = (files: { path: string; text: string }[]) => files.filter((f) => new RegExp(HER, 'i').test(f.text) || new RegExp(HER, 'i').test(f.path)).map((f) => f.path);

async function eraseAndCheck(w: World, objects: () => Promise<{ path: string; text: string }[]>) {
  const { db } = w.t.database;
  // Before: she is in the profile, her messages, the journal, the webhook rows, the form, the ledger, the guardian,
  // her note, her request, the reads (a search for her name) and the audit log; her files are in the store.
  const before = await tablesMentioning(db);
  expect(Object.keys(before)).toEqual(
    expect.arrayContaining(['aspirants', 'messages', 'conversation_events', 'inbound_events', 'form_submissions', 'guardians', 'notes', 'data_subject_requests', 'read_audit', 'consents']),
  );
  const keys = (await objects()).map((o) => o.path);
  for (const key of w.herKeys) expect(keys).toContain(key);
  expect(mentions(await objects()).length).toBeGreaterThan(0);

  // Her consent ledger: the two recorded here and those her form wrote (treatment, ticked and unticked scopes).
  const ledger = await db.select({ id: consents.id }).from(consents).where(eq(consents.aspirantId, w.aspirantId));
  expect(ledger.length).toBeGreaterThan(2);

  // The confirmation must name her: a wrong one erases nothing.
  const refused = await api(w, `/api/admin/aspirants/${w.aspirantId}/erase`, { method: 'POST', body: JSON.stringify({ confirm: '+573015550202' }) });
  expect(refused.status).toBe(422);
  const erased = await api(w, `/api/admin/aspirants/${w.aspirantId}/erase`, { method: 'POST', body: JSON.stringify({ confirm: '3019998877' }) });
  expect(erased.status).toBe(200);
  const report = await erased.json();
  expect(report).toMatchObject({
    aspirantId: w.aspirantId,
    reason: 'request',
    conversations: 1,
    formSubmissions: 1,
    consents: ledger.length,
    guardians: 1,
    notes: 1,
    filesDeleted: 3,
    filesPending: 0,
    complete: true,
  });
  expect(report.messages).toBeGreaterThan(20);

  // After: no row of any table, no file of the store, mentions her.
  expect(await tablesMentioning(db)).toEqual({});
  const after = await objects();
  expect(mentions(after)).toEqual([]);
  for (const key of w.herKeys) expect(after.map((o) => o.path)).not.toContain(key);
  expect(after.map((o) => o.path)).toContain(w.bystanderKey);
  // The bystander keeps her rows; what stays of her is hashes, and an entry with ids and counts.
  expect(await db.select({ id: aspirants.id }).from(aspirants)).toEqual([{ id: w.bystanderId }]);
  expect(await db.select({ id: media.id }).from(media)).toHaveLength(1);
  expect((await db.select().from(erasedSubjects)).map((r) => [r.identityHash.length, r.optedOut])).toEqual([[64, true]]);

  // Replay of her erased conversation: gone (410), not "not found".
  const replay = await api(w, `/api/admin/replay/${w.conversationId}`, { method: 'POST', body: '{}' });
  expect(replay.status).toBe(410);
  expect((await replay.json()).error.code).toBe('CONVERSATION_ERASED');
  expect((await api(w, '/api/admin/replay/999999', { method: 'POST', body: '{}' })).status).toBe(404);
  // Asking for her again: 410 by id, 404 by number.
  expect((await api(w, `/api/admin/aspirants/${w.aspirantId}`)).status).toBe(410);
  expect((await api(w, `/api/admin/aspirants/${encodeURIComponent(PHONE)}`)).status).toBe(404);

  // She writes again: a clean aspirant (no name, no e-mail, one message), opted out as she was, and nothing is sent to her.
  const again = await signedPost(w.t, '/webhooks/twilio', inboundParams(w.fake, PHONE, 'Hola otra vez'), w.fake.authToken);
  expect(again.status).toBe(200);
  await w.t.services.conversations.registry.ask(PHONE, () => null);
  const [fresh] = await db.select().from(aspirants).where(eq(aspirants.whatsappId, PHONE));
  expect(fresh!.id).not.toBe(w.aspirantId);
  expect(fresh).toMatchObject({ firstName: null, lastName: null, email: null, formSubmittedAt: null });
  expect(fresh!.optedOutAt).not.toBeNull();
  const [conv] = await db.select().from(conversations).where(eq(conversations.aspirantId, fresh!.id));
  expect(conv!.id).not.toBe(w.conversationId);
  const rows = await db.select({ sender: messages.sender, body: messages.body }).from(messages).where(eq(messages.conversationId, conv!.id));
  expect(rows).toEqual([{ sender: 'aspirant', body: 'Hola otra vez' }]);
}

describe.each(drivers)('erasure on %s', (driver) => {
  test('with the local folder: no row or file mentions her after; a later message starts clean, still opted out', async () => {
    await using w = await buildWorld(driver);
    await eraseAndCheck(w, async () => localFiles(localRoot(w.t)));
  });

  test('with S3: no object mentions her after', async () => {
    const blobs = new S3BlobStore({ bucket: 'erase-bucket', endpoint, region: 'us-east-1', forcePathStyle: true, credentials, checkTimeoutMs: 2_000 });
    await using w = await buildWorld(driver, blobs);
    try {
      await eraseAndCheck(w, s3Objects);
    } finally {
      for (const { path } of await s3Objects()) await blobs.delete(path);
    }
  });
});
