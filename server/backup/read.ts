/**
 * @module server/backup/read — reads a `wasap backup` archive end to end and checks it: the manifest first (format and
 * version), only the entries server/backup/format allows (no path leaves the media folder), every entry's size and
 * SHA-256 against end.json, nothing after it. With a staging folder it also writes the entries there; without one it
 * only checks (the CLI checks what it downloaded before keeping it).
 */
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { extract as tarExtract, type Extract } from 'tar-stream';
import { chunksOf } from './chunks';
import { badArchive, BackupError, ENTRY, keyFileOf, mediaPathOf, MAX_JSON_BYTES, MAX_KEY_BYTES, parseEnd, parseManifest, type BackupEnd, type BackupEntrySum, type BackupManifest } from './format';

/** One entry as the parser yields it. */
type Entry = Extract extends AsyncIterable<infer E> ? E : never;

export interface ReadBackup {
  manifest: BackupManifest;
  end: BackupEnd;
  /** Files and bytes under media/ as written in the archive. */
  mediaFiles: number;
  mediaBytes: number;
}

/** Where a staged entry goes under the staging folder: `database.tar.gz`, `secret`, `vapid.json`, `media/<path>`. */
function stagedPath(staging: string, name: string): string {
  if (name === ENTRY.database) return join(staging, 'database.tar.gz');
  const key = keyFileOf(name);
  if (key) return join(staging, key);
  return join(staging, 'media', ...mediaPathOf(name)!.split('/'));
}

/** Reads one entry: its sum, and its bytes when asked to keep them (`keep`, at most `limit`) or to write them (`path`). */
async function drain(entry: Entry, name: string, options: { path?: string; limit?: number; keep?: boolean }): Promise<BackupEntrySum & { bytes?: Uint8Array }> {
  const hasher = new Bun.CryptoHasher('sha256');
  const kept: Uint8Array[] = [];
  let size = 0;
  if (options.path) await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
  const handle = options.path ? await open(options.path, 'wx', 0o600) : undefined;
  try {
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (options.limit !== undefined && size > options.limit) throw badArchive(`its ${name} is larger than ${options.limit} bytes`);
      hasher.update(chunk);
      if (options.keep) kept.push(new Uint8Array(chunk));
      if (handle) await handle.write(chunk);
    }
  } finally {
    await handle?.close();
  }
  return { name, size, sha256: hasher.digest('hex'), bytes: options.keep ? Buffer.concat(kept) : undefined };
}

/** Writes the source into the tar parser with backpressure; stops when the parser is gone (the reader gave up). */
async function feed(source: ReadableStream<Uint8Array>, parser: Extract): Promise<void> {
  const gone = () => parser.destroying || parser.destroyed;
  try {
    for await (const chunk of chunksOf(source)) {
      if (gone()) break;
      if (!parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        await new Promise<void>((resolve) => {
          const done = (): void => (parser.off('drain', done), parser.off('close', done), resolve());
          parser.on('drain', done);
          parser.on('close', done);
        });
      }
    }
    if (!gone()) parser.end(null);
  } catch (error) {
    parser.destroy(error as Error);
  }
}

/** An error from the archive (a damaged or foreign file) becomes BAD_ARCHIVE; our own refusals and disk errors stay. */
function asArchiveError(error: unknown): Error {
  if (error instanceof BackupError || (error as NodeJS.ErrnoException).syscall) return error as Error;
  return badArchive(`it is not a tar archive, or it is damaged (${(error as Error).message})`);
}

function checkSums(seen: BackupEntrySum[], end: BackupEnd): void {
  if (end.entries.length !== seen.length) throw badArchive(`end.json lists ${end.entries.length} entries, the archive has ${seen.length}`);
  end.entries.forEach((listed, i) => {
    const got = seen[i]!;
    if (listed.name !== got.name || listed.size !== got.size || listed.sha256 !== got.sha256) throw badArchive(`its entry ${got.name} does not match its checksum in end.json`);
  });
}

/**
 * Reads and checks the archive at `file`, writing its entries under `staging` when given (which must not hold them yet).
 * @throws BackupError BAD_ARCHIVE (what is wrong) or UNSUPPORTED_VERSION; disk errors of the staging folder as they are.
 */
export async function readBackup(file: string, staging?: string): Promise<ReadBackup> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new BackupError('BAD_ARCHIVE', `cannot read ${file} (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw new BackupError('BAD_ARCHIVE', `${file} is not a file`);
  const parser = tarExtract();
  const feeding = feed(Bun.file(file).stream(), parser);
  const seen: BackupEntrySum[] = [];
  const names = new Set<string>();
  let manifest: BackupManifest | undefined;
  let end: BackupEnd | undefined;
  let mediaFiles = 0;
  let mediaBytes = 0;
  try {
    for await (const entry of parser) {
      const name = entry.header.name;
      if (end) throw badArchive(`it has entries after end.json (${name})`);
      if (entry.header.type !== 'file') throw badArchive(`its entry ${name} is not a plain file`);
      if (!manifest) {
        if (name !== ENTRY.manifest) throw badArchive(`it does not start with ${ENTRY.manifest} (it starts with ${name})`);
        const read = await drain(entry, name, { keep: true, limit: MAX_JSON_BYTES });
        manifest = parseManifest(read.bytes!);
        seen.push({ name, size: read.size, sha256: read.sha256 });
        names.add(name);
        continue;
      }
      if (name === ENTRY.end) {
        end = parseEnd((await drain(entry, name, { keep: true, limit: MAX_JSON_BYTES })).bytes!);
        continue;
      }
      const media = mediaPathOf(name) !== undefined;
      const key = keyFileOf(name);
      if (name !== ENTRY.database && !key && !media) throw badArchive(`it has an entry Wasap does not write: ${name}`);
      if (names.has(name)) throw badArchive(`it has ${name} twice`);
      if (media && manifest.media !== 'included') throw badArchive(`its manifest says media are in S3, yet it has ${name}`);
      if (key && !manifest.keys.includes(key)) throw badArchive(`its manifest does not list ${name}`);
      names.add(name);
      const read = await drain(entry, name, { path: staging ? stagedPath(staging, name) : undefined, limit: key ? MAX_KEY_BYTES : undefined });
      seen.push({ name, size: read.size, sha256: read.sha256 });
      if (media) (mediaFiles++, (mediaBytes += read.size));
    }
  } catch (error) {
    parser.destroy(error as Error);
    await feeding;
    throw asArchiveError(error);
  }
  await feeding;
  if (!manifest) throw badArchive('it is empty, or not a tar archive');
  if (!end) throw badArchive('it ends before end.json: the download or the copy was cut off');
  checkSums(seen, end);
  if (!names.has(ENTRY.database)) throw badArchive(`it has no ${ENTRY.database}`);
  const missing = manifest.keys.find((key) => !names.has(`keys/${key}`));
  if (missing) throw badArchive(`its manifest lists keys/${missing}, yet it has none`);
  return { manifest, end, mediaFiles, mediaBytes };
}
