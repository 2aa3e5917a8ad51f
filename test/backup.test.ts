/**
 * @module test/backup.test — `wasap backup` / `wasap restore`: a running embedded server backed up and restored with its
 * messages and media intact; the admin route's refusals; bad archives, a held lock and a non-empty folder refused with
 * nothing changed; one backup at a time, and a backup announced when large and refused when its disk lacks room.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { pack as tarPack } from 'tar-stream';
import { backup as backupCommand } from '../cli/backup';
import type { CliIO } from '../cli/io';
import { BackupError } from '../server/backup/format';
import { readBackup } from '../server/backup/read';
import { restoreBackup } from '../server/backup/restore';
import { BACKUP_ESTIMATE_HEADER } from '../server/backup/size';
import { openDatabase } from '../server/db/client';
import { acquireLock, lockFileOf } from '../server/db/lock';
import { createApiToken } from '../server/services/api-tokens';
import { addUser } from '../server/services/users';
import { testApp } from './support/app';
import { wasap, type CliResult } from './support/cli';
import { listen } from './support/listen';
import { startServerProcess } from './support/process';
import { tempDir, type TempDir } from './support/temp';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const MARKER = new TextEncoder().encode('media bytes that must come back unchanged ✓');

/** Every file and folder under `dir` with its bytes' hash: what "nothing changed" is checked against. */
function treeOf(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const tree: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    tree[relative(dir, path)] = entry.isFile() ? new Bun.CryptoHasher('sha256').update(readFileSync(path)).digest('hex') : 'folder';
  }
  return tree;
}

/** A tar of the given entries, written as tar-stream writes ours. */
async function tarOf(entries: [string, Uint8Array | string][]): Promise<Uint8Array> {
  const pack = tarPack();
  for (const [name, body] of entries) pack.entry({ name }, typeof body === 'string' ? body : Buffer.from(body));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

describe('backup archives (admin route and restore, in process)', () => {
  let work: TempDir;
  let good: string;

  beforeAll(async () => {
    work = tempDir('wasap-backup-');
    await using t = await testApp();
    await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: 'long enough pw' });
    await t.services.blobs.put('media/test/1', MARKER, 'image/png');
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    expect((await t.request('/api/admin/backup')).status).toBe(401);
    const response = await t.request('/api/admin/backup', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    good = join(work.path, 'good.tar');
    await Bun.write(good, response);
  });
  afterAll(() => work[Symbol.dispose]());

  test('the archive reads back whole: manifest, database, media with their sidecars, checksums', async () => {
    const read = await readBackup(good);
    expect(read.manifest).toMatchObject({ format: 'wasap-backup', version: 1, database: 'pglite', media: 'included', fromEnvironment: ['WASAP_SECRET'] });
    expect(read.manifest.counts.users).toBe(1);
    expect(read.mediaFiles).toBe(2); // the blob and its .meta.json sidecar
    expect(read.end.entries.map((e) => e.name)).toContain('media/media/test/1');
  });

  test('restore puts the rows, media bytes and key files back into a fresh data folder', async () => {
    const dataDir = join(work.path, 'fresh');
    const result = await restoreBackup({ file: good, dataDir });
    expect(result.counts.users).toBe(1);
    expect(new Uint8Array(readFileSync(join(dataDir, 'media', 'media', 'test', '1')))).toEqual(MARKER);
    // The server's VAPID pair came back (its WASAP_SECRET was in its environment, so no secret file was kept).
    expect(statSync(join(dataDir, 'vapid.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
    const database = await openDatabase({ pgliteDir: join(dataDir, 'pg'), role: 'test' });
    try {
      const { rows } = (await database.db.execute('select email from users')) as unknown as { rows: { email: string }[] };
      expect(rows).toEqual([{ email: 'ana@agency.co' }]);
    } finally {
      await database.close();
    }
  });

  test('a bad archive is refused with what is wrong, and the data folder is left as it was, even with --force', async () => {
    const archive = new Uint8Array(readFileSync(good));
    const at = Buffer.from(archive).indexOf(Buffer.from(MARKER));
    const flipped = archive.slice();
    flipped[at] = flipped[at]! ^ 0xff;
    const { manifest } = await readBackup(good);
    const cases: [string, Uint8Array, string][] = [
      ['not a tar', new Uint8Array(4096).fill(65), 'not a tar archive'],
      ['empty', new Uint8Array(0), 'empty'],
      ['cut off', archive.subarray(0, Math.floor(archive.length / 2)), 'not a usable Wasap backup'],
      ['one byte changed', flipped, 'does not match its checksum'],
      ['a newer format', await tarOf([['manifest.json', JSON.stringify({ ...manifest, version: 2 })]]), 'format version 2'],
      [
        'a path out of the folder',
        await tarOf([
          ['manifest.json', JSON.stringify(manifest)],
          ['media/../../escape', 'x'],
        ]),
        'entry Wasap does not write: media/../../escape',
      ],
      ['no manifest first', await tarOf([['media/a', 'x']]), 'does not start with manifest.json'],
    ];
    const dataDir = join(work.path, 'occupied');
    mkdirSync(join(dataDir, 'pg'), { recursive: true });
    writeFileSync(join(dataDir, 'pg', 'PG_VERSION'), '17\n');
    mkdirSync(join(dataDir, 'media'));
    writeFileSync(join(dataDir, 'media', 'old.bin'), 'old');
    writeFileSync(join(dataDir, 'secret'), 'old secret');
    const before = treeOf(dataDir);
    for (const [name, bytes, message] of cases) {
      const file = join(work.path, `${name}.tar`);
      writeFileSync(file, bytes);
      const error = await refusal(restoreBackup({ file, dataDir, force: true }));
      expect({ name, message: error.message }).toEqual({ name, message: expect.stringContaining(message) });
      expect(treeOf(dataDir)).toEqual(before);
    }
    expect(existsSync(join(work.path, 'escape'))).toBe(false);
    // Into a folder that did not exist: it still does not.
    const none = join(work.path, 'never-made');
    expect((await refusal(restoreBackup({ file: join(work.path, 'one byte changed.tar'), dataDir: none }))).code).toBe('BAD_ARCHIVE');
    expect(existsSync(none)).toBe(false);
    const cli = await wasap(['restore', join(work.path, 'not a tar.tar'), '--force'], { WASAP_DATA_DIR: dataDir });
    expect([cli.code, cli.err]).toEqual([1, expect.stringContaining('not a usable Wasap backup')]);
    expect(treeOf(dataDir)).toEqual(before);
  });

  test('restore is refused while a process holds the data folder', async () => {
    const dataDir = join(work.path, 'held');
    const release = acquireLock(lockFileOf(join(dataDir, 'pg')), 'the wasap server (port 1)');
    try {
      expect((await refusal(restoreBackup({ file: good, dataDir }))).code).toBe('DATA_DIR_LOCKED');
      const cli = await wasap(['restore', good], { WASAP_DATA_DIR: dataDir });
      expect([cli.code, cli.err]).toEqual([1, expect.stringContaining('in use by the wasap server (port 1)')]);
      expect(cli.err).toContain('hint: Stop it (the server');
      // Sharing a database (DATABASE_URL) is no answer to a restore: the lock's own advice is not repeated.
      expect(cli.err).not.toContain('DATABASE_URL');
      expect(treeOf(dataDir)).toEqual({ 'wasap.lock': expect.any(String) });
    } finally {
      release();
    }
    expect((await wasap(['restore', good], { WASAP_DATA_DIR: dataDir })).code).toBe(0);
  });

  test('a data folder with a database is refused without --force; --force moves it aside, never deletes it', async () => {
    const dataDir = join(work.path, 'twice');
    expect((await wasap(['restore', good], { WASAP_DATA_DIR: dataDir })).code).toBe(0);
    writeFileSync(join(dataDir, 'media', 'added-later.bin'), 'later');
    const before = treeOf(dataDir);
    const refused = await wasap(['restore', good], { WASAP_DATA_DIR: dataDir });
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('already has pg, media, vapid.json')]);
    expect(refused.err).toContain('--force');
    expect(treeOf(dataDir)).toEqual(before);
    const forced = await wasap(['restore', good, '--force'], { WASAP_DATA_DIR: dataDir });
    expect(forced.code).toBe(0);
    const aside = readdirSync(dataDir).find((name) => name.startsWith('replaced-'))!;
    expect(forced.out).toContain(`kept in ${join(dataDir, aside)}`);
    expect(readFileSync(join(dataDir, aside, 'media', 'added-later.bin'), 'utf8')).toBe('later');
    expect(existsSync(join(dataDir, 'media', 'added-later.bin'))).toBe(false);
    expect(existsSync(join(dataDir, aside, 'pg', 'PG_VERSION'))).toBe(true);
  });

  test('without a server, wasap backup reads the data folder itself under its lock', async () => {
    const dataDir = join(work.path, 'offline');
    await restoreBackup({ file: good, dataDir });
    const out = join(work.path, 'offline.tar');
    const result = await wasap(['backup', out], { WASAP_DATA_DIR: dataDir });
    expect([result.code, result.out]).toEqual([0, expect.stringContaining(`wrote ${out}`)]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const read = await readBackup(out);
    expect(read.manifest.counts.users).toBe(1);
    expect(read.mediaFiles).toBe(2);
    expect(existsSync(lockFileOf(join(dataDir, 'pg')))).toBe(false);
    // Run again onto the same FILE: refused, the archive untouched; --force replaces it.
    const before = readFileSync(out);
    const again = await wasap(['backup', out], { WASAP_DATA_DIR: dataDir });
    expect([again.code, again.err]).toEqual([2, expect.stringContaining('already exists; nothing was written')]);
    expect(readFileSync(out).equals(before)).toBe(true);
    const forced = await wasap(['backup', '--force', out], { WASAP_DATA_DIR: dataDir });
    expect([forced.code, forced.out]).toEqual([0, expect.stringContaining(`wrote ${out}`)]);
  });

  test('an archive cut off on the way is refused by wasap backup, and neither FILE nor a temp file is left', async () => {
    const half = readFileSync(good).subarray(0, 2048);
    const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(half, { headers: { 'content-type': 'application/x-tar' } }) });
    try {
      const folder = join(work.path, 'downloads');
      mkdirSync(folder);
      const result = await wasap(['backup', join(folder, 'cut.tar')], { WASAP_URL: server.url.origin, WASAP_API_TOKEN: 'a-token' });
      expect([result.code, result.err]).toEqual([1, expect.stringContaining('the archive received is not usable')]);
      expect(result.err).toContain('cut.tar was not written');
      expect(readdirSync(folder)).toEqual([]);
      const nowhere = await wasap(['backup', join(work.path, 'no-such-folder', 'x.tar')], { WASAP_URL: server.url.origin, WASAP_API_TOKEN: 'a-token' });
      expect([nowhere.code, nowhere.err]).toEqual([1, expect.stringContaining('cannot write')]);
    } finally {
      await server.stop(true);
    }
  });

  test('with DATABASE_URL, backup and restore point to pg_dump and pg_restore', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', WASAP_DATA_DIR: join(work.path, 'pg-install') };
    const backup = await wasap(['backup', join(work.path, 'pg.tar')], env);
    expect([backup.code, backup.err]).toEqual([2, expect.stringContaining('back it up with pg_dump')]);
    expect(backup.err).toContain('"Backups" in the README');
    expect(existsSync(join(work.path, 'pg.tar'))).toBe(false);
    const restore = await wasap(['restore', good], env);
    expect([restore.code, restore.err]).toEqual([2, expect.stringContaining('`wasap restore` is for the embedded database only')]);
    expect(restore.err).toContain('a Postgres install is restored with pg_restore');
    expect(restore.err).toContain('hint: See "Backups" in the README');
  });
});

/** `wasap backup FILE` run in-process with `options` (the disk's free space, the large size), output captured. */
async function backupWith(file: string, env: Record<string, string>, options: Parameters<typeof backupCommand>[2]): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (text) => void (out += text), err: (text) => void (err += text), env: { LOG_LEVEL: 'silent', ...env }, readSecret: async () => '' };
  try {
    await backupCommand(io, file, options);
    return { code: 0, out, err };
  } catch (error) {
    return { code: (error as { exitCode?: number }).exitCode ?? -1, out, err: `${err}${(error as Error).message}\n${(error as { hint?: string }).hint ?? ''}` };
  }
}

describe('one backup at a time, and the room a backup needs', () => {
  let work: TempDir;
  beforeAll(() => (work = tempDir('wasap-backup-gate-')));
  afterAll(() => work[Symbol.dispose]());

  test('a second backup while the first is still going out is refused with 409 BACKUP_RUNNING, and the first completes whole', async () => {
    await using t = await testApp();
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    const auth = { headers: { authorization: `Bearer ${token}` } };
    await using server = listen(t);
    // The first: its headers are in, its archive not read yet (in process: a socket would take it all into its buffers).
    const first = await t.request('/api/admin/backup', auth);
    expect(first.status).toBe(200);
    const second = await t.request('/api/admin/backup', auth);
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: { code: 'BACKUP_RUNNING', message: expect.stringContaining('another backup of this server is still being written (started by token:ci at') } });
    const folder = join(work.path, 'refused');
    mkdirSync(folder);
    const cli = await wasap(['backup', join(folder, 'second.tar')], { WASAP_URL: server.url, WASAP_API_TOKEN: token });
    expect([cli.code, cli.err]).toEqual([1, expect.stringContaining('wasap: backup refused: another backup of this server is still being written')]);
    expect(cli.err).toContain('hint: Wait for the running backup to finish, then run `wasap backup` again; nothing was written.');
    expect(readdirSync(folder)).toEqual([]);
    // The first was not disturbed; its size was announced from above.
    const file = join(work.path, 'first.tar');
    await Bun.write(file, first);
    const read = await readBackup(file);
    expect(read.manifest.format).toBe('wasap-backup');
    const estimate = Number(first.headers.get(BACKUP_ESTIMATE_HEADER));
    expect(estimate).toBeGreaterThanOrEqual(statSync(file).size);
    expect(estimate).toBeLessThan(statSync(file).size + 64 * 1024);
    await t.waitForLog((l) => l.msg === 'backup sent');
    // Once it has gone out, the next one is taken; a reader that cancels opens the gate too.
    const third = await t.request('/api/admin/backup', auth);
    expect(third.status).toBe(200);
    await third.body!.cancel();
    const fourth = await t.request('/api/admin/backup', auth);
    expect(fourth.status).toBe(200);
    await fourth.arrayBuffer();
  });

  test('a backup its disk cannot hold is refused before a byte is written, and the server ends its side', async () => {
    await using t = await testApp();
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    await using server = listen(t);
    const folder = join(work.path, 'full-disk');
    mkdirSync(folder);
    const asked: string[] = [];
    const result = await backupWith(join(folder, 'b.tar'), { WASAP_URL: server.url, WASAP_API_TOKEN: token }, { freeBytes: async (dir) => (asked.push(dir), 4096) });
    expect([result.code, result.err]).toEqual([1, expect.stringContaining(`not enough free space for the backup: it needs about`)]);
    expect(result.err).toContain(`and ${folder} has 4.1 KB free; nothing was written`);
    expect(asked).toEqual([folder]);
    expect(readdirSync(folder)).toEqual([]);
    // The server's side ends either way: cut off, or (a small archive already handed to the socket) sent whole.
    await t.waitForLog((l) => l.msg === 'backup stopped before its end' || l.msg === 'backup sent');
    expect((await backupWith(join(folder, 'b.tar'), { WASAP_URL: server.url, WASAP_API_TOKEN: token }, { freeBytes: async () => undefined })).code).toBe(0);
    expect(readdirSync(folder)).toEqual(['b.tar']);
  });

  test('offline: a large backup is announced and written; no room is refused; a second offline backup is told the first runs', async () => {
    const dataDir = join(work.path, 'offline');
    {
      await using t = await testApp();
      await t.services.blobs.put('media/test/1', MARKER, 'image/png');
      const { token } = await createApiToken(t.database.db, 'ci', 'test');
      const archive = join(work.path, 'seed.tar');
      await Bun.write(archive, await t.request('/api/admin/backup', { headers: { authorization: `Bearer ${token}` } }));
      await restoreBackup({ file: archive, dataDir });
    }
    const env = { WASAP_DATA_DIR: dataDir };
    const big = join(work.path, 'big.tar');
    const warned = await backupWith(big, env, { freeBytes: async () => 10 ** 12, largeBytes: 1 });
    expect([warned.code, warned.err]).toEqual([
      0,
      expect.stringMatching(/^wasap: warning: this backup is large, about [\d.]+ MB \(over 1 bytes\): writing .*big\.tar takes a while \(1\.0 TB free there\); it goes on\n$/),
    ]);
    expect(warned.out).toContain(`wrote ${big}`);
    expect((await readBackup(big)).mediaFiles).toBe(2);
    const none = join(work.path, 'none');
    mkdirSync(none);
    const refused = await backupWith(join(none, 'x.tar'), env, { freeBytes: async () => 0 });
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('not enough free space for the backup')]);
    expect(readdirSync(none)).toEqual([]);
    expect(existsSync(lockFileOf(join(dataDir, 'pg')))).toBe(false);
    const release = acquireLock(lockFileOf(join(dataDir, 'pg')), 'wasap backup');
    try {
      const second = await wasap(['backup', join(none, 'y.tar')], env);
      expect([second.code, second.err]).toEqual([1, expect.stringContaining(`wasap: another \`wasap backup\` (pid ${process.pid}, since`)]);
      expect(second.err).toContain('one backup at a time');
      expect(readdirSync(none)).toEqual([]);
    } finally {
      release();
    }
  });
});

test.skipIf(!process.env.TEST_DATABASE_URL)('the admin route refuses a Postgres install with 409, pointing to pg_dump', async () => {
  await using t = await testApp('postgres');
  const { token } = await createApiToken(t.database.db, 'ci', 'test');
  const response = await t.request('/api/admin/backup', { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(409);
  expect(await response.json()).toEqual({ error: { code: 'BACKUP_NOT_EMBEDDED', message: expect.stringContaining('pg_dump') } });
});

/** The aspirant's export (`wasap aspirant export`) through the server running on `dataDir`: her messages and files. */
async function exportOf(dataDir: string, out: string) {
  const result = await wasap(['aspirant', 'export', PHONE, '--out', out], { WASAP_DATA_DIR: dataDir });
  if (result.code !== 0) throw new Error(`export failed: ${result.err}`);
  const files = unzipSync(new Uint8Array(readFileSync(out)));
  const data = JSON.parse(new TextDecoder().decode(files['data.json'])) as { conversations: { messages: { id: number; sender: string; body: string | null }[] }[] };
  const messages = data.conversations.flatMap((c) => c.messages.map(({ id, sender, body }) => ({ id, sender, body })));
  const media = Object.fromEntries(Object.entries(files).filter(([name]) => name.startsWith('media/')));
  return { messages, media };
}

async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 30 s: ${JSON.stringify(value)}`);
    await Bun.sleep(100); // a poll interval, not a wait for time to pass: the condition above ends it
  }
}

const PHONE = '+573001234567';

// One story in two tests, so that neither runs past the per-test limit on a loaded machine: the second restores the
// archive the first took (and says so if there is none).
describe('a running embedded server, backed up and restored', () => {
  let work: TempDir;
  let first: string;
  let archive: string;
  let before: Awaited<ReturnType<typeof exportOf>> | undefined;

  beforeAll(() => {
    work = tempDir('wasap-backup-e2e-');
    first = join(work.path, 'first');
    archive = join(work.path, 'backup.tar');
  });
  afterAll(() => work[Symbol.dispose]());

  test('wasap backup takes the archive while the server runs; a restore into its folder is refused meanwhile', async () => {
    await using server = await startServerProcess({ WASAP_DATA_DIR: first });
    const say = async (fields: Record<string, string | Blob>) => {
      const form = new FormData();
      for (const [key, value] of Object.entries({ number: PHONE, name: 'Vale', body: '', ...fields })) form.append(key, value);
      expect((await fetch(`${server.url}/dev/phone/messages`, { method: 'POST', body: form, redirect: 'manual' })).status).toBe(303);
    };
    await say({ body: 'Hola, vi su anuncio' });
    await say({ body: '¿Cuánto pagan? <b>ñandú</b>' });
    await say({ photo: new File([PNG], 'me.png', { type: 'image/png' }) });
    const ready = await poll(
      'her two texts and her stored photo',
      () => exportOf(first, join(work.path, 'before.zip')).catch(() => ({ messages: [], media: {} })),
      (e) => e.messages.filter((m) => m.sender === 'aspirant').length === 3 && Object.keys(e.media).length === 1,
    );
    expect(Object.values(ready.media)).toEqual([PNG]);

    expect((await fetch(`${server.url}/api/admin/backup`)).status).toBe(401);
    const backup = await wasap(['backup', archive], { WASAP_DATA_DIR: first });
    expect([backup.code, backup.out]).toEqual([0, expect.stringContaining(`wrote ${archive}`)]);
    expect(backup.out).toContain('1 conversations');
    expect(server.lines.some((l) => l.includes('"msg":"backup taken"') && l.includes('cli (local)'))).toBe(true);
    // The server still holds its folder: a restore into it is refused and changes nothing.
    const refused = await wasap(['restore', archive, '--force'], { WASAP_DATA_DIR: first });
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('in use by the wasap server')]);
    expect(await server.stop()).toBe(0);
    before = ready;
  });

  test('restored into a fresh folder, a server there serves the same messages and the same media bytes', async () => {
    if (!before) throw new Error('the previous test took no backup');
    const second = join(work.path, 'second');
    const restored = await wasap(['restore', archive], { WASAP_DATA_DIR: second });
    expect([restored.code, restored.out]).toEqual([0, expect.stringContaining(`into ${second}`)]);
    expect(readFileSync(join(second, 'secret'), 'utf8')).toBe(readFileSync(join(first, 'secret'), 'utf8'));
    await using server = await startServerProcess({ WASAP_DATA_DIR: second });
    expect(server.lines.some((l) => l.includes('starting: opening the embedded database'))).toBe(true);
    const after = await exportOf(second, join(work.path, 'after.zip'));
    // Every message there before is there after, same id, sender and text; the photo's bytes are the same.
    for (const message of before.messages) expect(after.messages).toContainEqual(message);
    expect(after.media).toEqual(before.media);
    expect(await server.stop()).toBe(0);
  });
});
