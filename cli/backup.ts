/**
 * @module cli/backup — `wasap backup FILE` and `wasap restore FILE [--force]` for the embedded install (PGlite data
 * folder, local media folder, generated key files; the archive is described in server/backup/format).
 *
 * `backup` asks the running server for a consistent archive through its admin API (the server holds the data folder)
 * and, when no server runs, reads the folder itself under its lock; either way the archive is written to a temp file
 * beside FILE, read back and checked, then renamed to FILE. One backup at a time: a second one while a server still
 * sends the first is refused (409 `BACKUP_RUNNING`), and so is one while another `wasap backup` holds the folder.
 * Before writing, a large backup is announced (server/backup/size) and one its disk cannot hold is refused; the temp
 * file goes whenever the backup fails or is interrupted. `restore` runs only while no server holds the folder.
 * With DATABASE_URL both point to pg_dump and pg_restore (README, "Backups").
 */
import { existsSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { pgliteDir, type Config } from '../server/config';
import { lockFileOf, lockOwner } from '../server/db/lock';
import { LOCAL_ADMIN_FILE } from '../server/local-admin';
import { BACKUP_CONTENT_TYPE, BackupError, type BackupManifest } from '../server/backup/format';
import { chunksOf } from '../server/backup/chunks';
import { readBackup } from '../server/backup/read';
import { restoreBackup } from '../server/backup/restore';
import { BACKUP_ESTIMATE_HEADER, estimateArchiveBytes, freeBytes, humanBytes, LARGE_BACKUP_BYTES } from '../server/backup/size';
import { snapshotSources, takeSnapshot } from '../server/backup/snapshot';
import { backupStream } from '../server/backup/write';
import { adminApi, call, localServer } from './api';
import { configFrom, withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { printable } from './table';

const PG_HINT = 'See "Backups" in the README: `pg_dump -Fc` and `pg_restore`, with the media folder copied (rsync) or the S3 bucket versioned.';

/** Where an archive goes, and how its disk's room is told (tests give their own). */
interface Target {
  /** FILE as given, for messages. */
  file: string;
  /** The temp file beside FILE that the archive is written to. */
  temp: string;
  /** The folder FILE goes in. */
  dir: string;
  freeBytes: (dir: string) => Promise<number | undefined>;
  largeBytes: number;
}

export interface BackupOptions {
  /** Free bytes for the folder FILE goes in (default: statfs, server/backup/size); undefined when unknown. */
  freeBytes?: (dir: string) => Promise<number | undefined>;
  /** The size (bytes) above which a backup is announced as large (default LARGE_BACKUP_BYTES, 2 GB). */
  largeBytes?: number;
  /** Replace FILE when it exists (default: refuse, writing nothing). */
  force?: boolean;
}

function asCliError(error: unknown): unknown {
  return error instanceof BackupError ? new CLIError(error.message, 1, error.hint) : error;
}

const cannotWrite = (file: string, error: unknown) => new CLIError(`cannot write ${file} (${(error as Error).message})`, 1);

/**
 * Writes a web stream to `path`, created new with mode 0600 (an archive holds personal data and keys). A failure says
 * which side failed: writing the file, or the archive itself (a download cut off, a media file the server could not read).
 */
async function writeStream(stream: ReadableStream<Uint8Array>, path: string, file: string): Promise<number> {
  const handle = await open(path, 'wx', 0o600).catch((error: unknown) => {
    throw cannotWrite(file, error);
  });
  let bytes = 0;
  try {
    for await (const chunk of chunksOf(stream)) {
      await handle.write(chunk).catch((error: unknown) => {
        throw cannotWrite(file, error);
      });
      bytes += chunk.byteLength;
    }
  } catch (error) {
    if (error instanceof CLIError) throw error;
    throw new CLIError(`the archive stopped before its end (${(error as Error).message}); ${file} was not written`, 1, 'Try again; if it keeps happening, check the server log.');
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * Before a byte is written: says when the archive (about `estimate` bytes) is large, and refuses one the destination
 * has no room for. Nothing is checked when the size or the room cannot be told (an older server, an unusual disk).
 * @throws CLIError when the destination's free space is below the estimate.
 */
async function checkRoom(io: CliIO, target: Target, estimate: number | undefined): Promise<void> {
  if (estimate === undefined) return;
  const free = await target.freeBytes(target.dir);
  if (free !== undefined && free < estimate) {
    throw new CLIError(
      `not enough free space for the backup: it needs about ${humanBytes(estimate)}, and ${target.dir} has ${humanBytes(free)} free; nothing was written`,
      1,
      'Free some space there, or give a FILE on a disk with more room.',
    );
  }
  if (estimate > target.largeBytes) {
    const room = free === undefined ? '' : ` (${humanBytes(free)} free there)`;
    io.err(`wasap: warning: this backup is large, about ${humanBytes(estimate)} (over ${humanBytes(target.largeBytes)}): writing ${target.file} takes a while${room}; it goes on\n`);
  }
}

/** The admin API's estimate header as bytes, or undefined when absent or not a size. */
function estimateOf(response: Response): number | undefined {
  const value = Number(response.headers.get(BACKUP_ESTIMATE_HEADER) ?? Number.NaN);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The CLIError for the server's 409 BACKUP_RUNNING, or undefined for any other refusal (Eden reports those). */
async function runningRefusal(response: Response): Promise<CLIError | undefined> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (body?.error?.code !== 'BACKUP_RUNNING') return undefined;
  return new CLIError(
    `backup refused: ${body.error.message ?? 'another backup of this server is still being written'}`,
    1,
    'Wait for the running backup to finish, then run `wasap backup` again; nothing was written.',
  );
}

/** Through the admin API: the archive streams to `temp` in the fetcher, so Eden never buffers it; errors come back as JSON. */
async function viaServer(io: CliIO, target: Target): Promise<void> {
  const { temp, file } = target;
  let failed: unknown;
  const fetcher = async function streamArchive(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const response = await fetch(input, init);
    if (response.status === 409) failed = await runningRefusal(response.clone());
    if (!response.ok || !response.body || response.headers.get('content-type') !== BACKUP_CONTENT_TYPE) return response;
    try {
      await checkRoom(io, target, estimateOf(response));
      return Response.json({ bytes: await writeStream(response.body, temp, file) });
    } catch (error) {
      // Unread (refused for room, FILE not writable): the server stops sending, and its backup ends.
      await response.body.cancel().catch(() => undefined);
      failed = error; // Eden would report it as a server it cannot reach
      throw error;
    }
  } as typeof fetch;
  const api = await adminApi(io, fetcher);
  try {
    await call('backup', () => api.api.admin.backup.get());
  } catch (error) {
    throw failed ?? error;
  }
}

/** What an offline backup names itself in the data folder's lock (a second one is told the first runs). */
const BACKUP_ROLE = 'wasap backup';

/** Without a server: the data folder read directly, under its lock (so no server starts meanwhile); never migrated. */
async function offline(io: CliIO, target: Target): Promise<void> {
  await withDatabase(
    io,
    BACKUP_ROLE,
    async function snapshotOffline(database, config: Config) {
      const snapshot = await takeSnapshot(snapshotSources(config, database));
      await checkRoom(io, target, estimateArchiveBytes(snapshot));
      await writeStream(backupStream(snapshot), target.temp, target.file);
    },
    false,
  );
}

/** The server when one is named or runs here with this data folder; else the folder itself; Postgres is refused. */
async function writeArchive(io: CliIO, target: Target): Promise<void> {
  if (io.env.WASAP_URL?.trim() || io.env.WASAP_API_TOKEN?.trim()) return viaServer(io, target);
  const config = configFrom(io);
  if (config.databaseUrl) throw new CLIError('`wasap backup` copies the embedded database only; this install uses Postgres (DATABASE_URL): back it up with pg_dump', 2, PG_HINT);
  const local = await localServer(io);
  if ('credential' in local) return viaServer(io, target);
  const owner = lockOwner(lockFileOf(pgliteDir(config)));
  if (owner?.role === BACKUP_ROLE) {
    throw new CLIError(
      `another \`wasap backup\` (pid ${owner.pid}, since ${owner.startedAt}) is reading the embedded database: one backup at a time`,
      1,
      'Wait for it to finish, then run this again; nothing was written.',
    );
  }
  if (owner) {
    throw new CLIError(
      `the embedded database is in use by ${owner.role} (pid ${owner.pid}), and its admin credential (${join(config.dataDir, LOCAL_ADMIN_FILE)}) cannot be used: ${local.problem}`,
      1,
      'Run the command as the user the server runs as, with its WASAP_DATA_DIR; or use WASAP_URL and WASAP_API_TOKEN.',
    );
  }
  return offline(io, target);
}

function describe(manifest: BackupManifest, mediaFiles: number, mediaBytes: number): string {
  const { counts } = manifest;
  const media = manifest.media === 's3' ? 'media in the S3 bucket (not in the archive)' : `${mediaFiles} media files (${mediaBytes} bytes)`;
  return `${counts.conversations} conversations, ${counts.messages} messages, ${counts.aspirants} aspirants, ${counts.users} users; ${media}`;
}

/** Removes the temp file if the command is stopped (Ctrl+C, SIGTERM) while it writes, then exits as the signal would. */
function removeOnInterrupt(temp: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(temp, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return function stopWatching() {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * `wasap backup FILE`: the archive written to a temp file beside FILE, read back and checked, then renamed to FILE
 * (an existing FILE is refused unless `force`). Whatever fails (no room, a refused or cut-off archive, an interrupt), FILE is not written and the temp file is gone.
 * @throws CLIError saying what failed and what to do.
 */
export async function backup(io: CliIO, file: string, options: BackupOptions = {}): Promise<void> {
  const path = resolve(file);
  if (!options.force && existsSync(path)) {
    throw new CLIError(`${file} already exists; nothing was written`, 2, 'Choose another FILE, or add --force to replace it.');
  }
  const temp = join(dirname(path), `.${basename(path)}.${Bun.randomUUIDv7()}.partial`);
  const stopWatching = removeOnInterrupt(temp);
  try {
    await writeArchive(io, { file, temp, dir: dirname(path), freeBytes: options.freeBytes ?? freeBytes, largeBytes: options.largeBytes ?? LARGE_BACKUP_BYTES });
    const read = await readBackup(temp).catch((error: unknown) => {
      throw error instanceof BackupError
        ? new CLIError(`the archive received is not usable (${error.message}); ${file} was not written`, 1, 'Try again; if it keeps happening, check the server log.')
        : error;
    });
    await rename(temp, path);
    const { size } = Bun.file(path);
    io.out(printable(`wrote ${file} (${size} bytes): backup of ${read.manifest.createdAt}, ${describe(read.manifest, read.mediaFiles, read.mediaBytes)}\n`));
    if (read.manifest.fromEnvironment.length > 0) io.out(`note: the server takes ${read.manifest.fromEnvironment.join(' and ')} from its environment, not in the archive: keep them with it\n`);
  } finally {
    stopWatching();
    await rm(temp, { force: true });
  }
}

async function restore(io: CliIO, file: string, force: boolean): Promise<void> {
  const config = configFrom(io);
  if (config.databaseUrl) {
    throw new CLIError(
      '`wasap restore` is for the embedded database only (an install without DATABASE_URL); a Postgres install is restored with pg_restore from a pg_dump file',
      2,
      'See "Backups" in the README: `pg_restore --no-owner -d <new database> FILE`, then point DATABASE_URL at it; media come back with rsync, or stay in the S3 bucket.',
    );
  }
  const result = await restoreBackup({ file, dataDir: config.dataDir, force }).catch((error: unknown) => {
    throw asCliError(error);
  });
  const { manifest } = result;
  io.out(printable(`restored ${file} (backup of ${manifest.createdAt}) into ${config.dataDir}: ${describe({ ...manifest, counts: result.counts }, result.mediaFiles, result.mediaBytes)}\n`));
  if (result.movedAside) io.out(printable(`what was there before is kept in ${result.movedAside}\n`));
  if (manifest.fromEnvironment.length > 0) io.out(`note: the backed-up server took ${manifest.fromEnvironment.join(' and ')} from its environment: start this one with the same values\n`);
  io.out('start the server to use it (it applies any newer migrations first)\n');
}

export function registerBackup(program: Command, io: CliIO): void {
  program
    .command('backup <file>')
    .description('write a consistent backup of the embedded install (database, media, key files) to FILE, also while the server runs')
    .option('--force', 'replace FILE when it exists (otherwise refused)')
    .action(async function backupCommand(file: string, opts: { force?: boolean }) {
      await backup(io, file, { force: opts.force ?? false });
    });
  program
    .command('restore <file>')
    .description('restore a backup into WASAP_DATA_DIR while the server is stopped')
    .option('--force', 'move an existing database, media folder and key files aside (into replaced-<time>/) instead of refusing')
    .action(async function restoreCommand(file: string, opts: { force?: boolean }) {
      await restore(io, file, opts.force ?? false);
    });
}
