/** @module server/storage/local-blob-store.test — the folder store: round trips, sidecars, atomic writes, and keys that try to escape. */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '../../test/support/temp';
import { LocalBlobStore } from './local-blob-store';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every file under a folder, relative, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

let temp: TempDir;
let root: string;
let store: LocalBlobStore;

beforeEach(() => {
  temp = tempDir('wasap-blobs-');
  root = join(temp.path, 'media');
  store = new LocalBlobStore(root);
});

afterEach(() => temp[Symbol.dispose]());

describe('LocalBlobStore', () => {
  test('put stores the bytes with size, sha256 and content type; get, head and response read them back', async () => {
    const data = bytes('not really a jpeg');
    const stored = await store.put('media/2026/11/a.jpg', data, 'image/jpeg');
    expect(stored).toEqual({
      key: 'media/2026/11/a.jpg',
      size: data.byteLength,
      checksum: createHash('sha256').update(data).digest('hex'),
      contentType: 'image/jpeg',
    });
    expect(await store.get('media/2026/11/a.jpg')).toEqual({ bytes: data, contentType: 'image/jpeg', size: data.byteLength });
    expect(await store.head('media/2026/11/a.jpg')).toEqual({ size: data.byteLength, contentType: 'image/jpeg' });
    const response = (await store.response('media/2026/11/a.jpg'))!;
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe(String(data.byteLength));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(data);
  });

  test('leaves only the file and its sidecar behind, and an overwrite replaces both', async () => {
    await store.put('media/x.bin', bytes('first version'), 'application/pdf');
    await store.put('media/x.bin', bytes('2nd'), 'audio/ogg; codecs=opus');
    expect(listFiles(root)).toEqual(['media/x.bin', 'media/x.bin.meta.json']);
    expect(await store.get('media/x.bin')).toEqual({ bytes: bytes('2nd'), contentType: 'audio/ogg; codecs=opus', size: 3 });
  });

  test('missing keys read as null and delete is idempotent', async () => {
    expect(await store.get('media/none.jpg')).toBeNull();
    expect(await store.head('media/none.jpg')).toBeNull();
    expect(await store.response('media/none.jpg')).toBeNull();
    await store.put('media/gone.png', bytes('x'), 'image/png');
    await store.delete('media/gone.png');
    await store.delete('media/gone.png');
    expect(await store.get('media/gone.png')).toBeNull();
    expect(listFiles(root)).toEqual([]);
  });

  test('a folder that is a prefix of other keys is not a blob', async () => {
    await store.put('media/2026/a.png', bytes('x'), 'image/png');
    expect(await store.get('media/2026')).toBeNull();
    expect(await store.head('media/2026')).toBeNull();
  });

  test('without a sidecar the content type comes from the extension', async () => {
    await store.put('media/p.pdf', bytes('%PDF-1.4'), 'application/pdf');
    rmSync(join(root, 'media/p.pdf.meta.json'));
    expect(await store.head('media/p.pdf')).toEqual({ size: 8, contentType: 'application/pdf' });
    writeFileSync(join(root, 'media/p.pdf.meta.json'), '{ torn');
    expect((await store.get('media/p.pdf'))?.contentType).toBe('application/pdf');
  });

  test('a failed write leaves no temporary file', async () => {
    await store.put('media/d/inner.png', bytes('x'), 'image/png');
    // The key names an existing folder, so the final rename fails after the temp file was written.
    await expect(store.put('media/d', bytes('y'), 'image/png')).rejects.toThrow();
    expect(listFiles(root)).toEqual(['media/d/inner.png', 'media/d/inner.png.meta.json']);
  });

  test.each([
    '../escape.txt',
    'media/../../escape.txt',
    'media/..',
    '..',
    '/etc/passwd',
    'media\\..\\..\\escape.txt',
    'media/%2e%2e/escape.txt',
    'media//double.jpg',
    'media/trailing/',
    './media/x.jpg',
    'media/.hidden',
    'media/x.jpg.meta.json',
    'media/ñ.jpg',
    'media/a b.jpg',
    'media/nul\0.jpg',
    '',
    'a'.repeat(513),
    `media/${'a'.repeat(201)}.jpg`,
  ])('rejects the key %p with BAD_BLOB_KEY and writes nothing outside the root', async (key) => {
    for (const attempt of [() => store.put(key, bytes('x'), 'text/plain'), () => store.get(key), () => store.head(key), () => store.delete(key)]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'BAD_BLOB_KEY' });
    }
    expect(readdirSync(temp.path)).toEqual([]);
  });

  test('accepts a key of exactly 512 characters with 200-character segments', async () => {
    const key = `${'x'.repeat(200)}/${'y'.repeat(200)}/${'z'.repeat(110)}`;
    expect(key.length).toBe(512);
    await store.put(key, bytes('x'), 'text/plain');
    expect((await store.get(key))?.bytes).toEqual(bytes('x'));
  });

  test('rejects a content type that could inject a header', async () => {
    const error = await store.put('media/x.txt', bytes('x'), 'text/plain\r\nSet-Cookie: a=b').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_CONTENT_TYPE' });
    expect(readdirSync(temp.path)).toEqual([]);
  });

  test('check creates the folder, and names it when it cannot be written', async () => {
    await store.check();
    expect(readdirSync(root)).toEqual([]);
    mkdirSync(join(temp.path, 'parent'));
    writeFileSync(join(temp.path, 'parent/file'), 'x');
    const blocked = new LocalBlobStore(join(temp.path, 'parent/file/media'));
    const error = await blocked.check().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain(join(temp.path, 'parent/file/media'));
  });
});
