/**
 * @module cli/backup — `wasap backup FILE` and `wasap restore FILE [--force]` for the embedded install (PGlite data
 * folder, local media folder, generated key files; the archive is described in server/backup/format).
 *
 * `backup` asks the running server for a consistent archive through its admin API (the server holds the data folder)
 * and, when no server runs, reads the folder itself under its lock; either way the archive is written to a temp file
 * beside FILE, read back and checked, then renamed to FILE. `restore` runs only while no server holds the folder.
 * With DATABASE_URL both point to pg_dump and pg_restore (README, "Backups").
 */
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
import { snapshotSources, takeSnapshot } from '../server/backup/snapshot';
import { backupStream } from '../server/backup/write';
import { adminApi, call, localServer } from './api';
import { configFrom, withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';
import { printable } from './table';

const PG_HINT = 'See "Backups" in the README: `pg_dump -Fc` and `pg_restore`, with the media folder copied (rsync) or the S3 bucket versioned.';

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

/** Through the admin API: the archive streams to `temp` in the fetcher, so Eden never buffers it; errors come back as JSON. */
async function viaServer(io: CliIO, temp: string, file: string): Promise<void> {
  let failed: unknown;
  const fetcher = async function streamArchive(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const response = await fetch(input, init);
    if (!response.ok || !response.body || response.headers.get('content-type') !== BACKUP_CONTENT_TYPE) return response;
    try {
      return Response.json({ bytes: await writeStream(response.body, temp, file) });
    } catch (error) {
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

/** Without a server: the data folder read directly, under its lock (so no server starts meanwhile); never migrated. */
async function offline(io: CliIO, temp: string, file: string): Promise<void> {
  await withDatabase(
    io,
    'wasap backup',
    async function snapshotOffline(database, config: Config) {
      const snapshot = await takeSnapshot(snapshotSources(config, database));
      await writeStream(backupStream(snapshot), temp, file);
    },
    false,
  );
}

/** The server when one is named or runs here with this data folder; else the folder itself; Postgres is refused. */
async function writeArchive(io: CliIO, temp: string, file: string): Promise<void> {
  if (io.env.WASAP_URL?.trim() || io.env.WASAP_API_TOKEN?.trim()) return viaServer(io, temp, file);
  const config = configFrom(io);
  if (config.databaseUrl) throw new CLIError('`wasap backup` copies the embedded database only; this install uses Postgres (DATABASE_URL): back it up with pg_dump', 2, PG_HINT);
  const local = await localServer(io);
  if ('credential' in local) return viaServer(io, temp, file);
  const owner = lockOwner(lockFileOf(pgliteDir(config)));
  if (owner) {
    throw new CLIError(
      `the embedded database is in use by ${owner.role} (pid ${owner.pid}), and its admin credential (${join(config.dataDir, LOCAL_ADMIN_FILE)}) cannot be used: ${local.problem}`,
      1,
      'Run the command as the user the server runs as, with its WASAP_DATA_DIR; or use WASAP_URL and WASAP_API_TOKEN.',
    );
  }
  return offline(io, temp, file);
}

function describe(manifest: BackupManifest, mediaFiles: number, mediaBytes: number): string {
  const { counts } = manifest;
  const media = manifest.media === 's3' ? 'media in the S3 bucket (not in the archive)' : `${mediaFiles} media files (${mediaBytes} bytes)`;
  return `${counts.conversations} conversations, ${counts.messages} messages, ${counts.aspirants} aspirants, ${counts.users} users; ${media}`;
}

async function backup(io: CliIO, file: string): Promise<void> {
  const target = resolve(file);
  const temp = join(dirname(target), `.${basename(target)}.${Bun.randomUUIDv7()}.partial`);
  try {
    await writeArchive(io, temp, file);
    const read = await readBackup(temp).catch((error: unknown) => {
      throw error instanceof BackupError
        ? new CLIError(`the archive received is not usable (${error.message}); ${file} was not written`, 1, 'Try again; if it keeps happening, check the server log.')
        : error;
    });
    await rename(temp, target);
    const { size } = Bun.file(target);
    io.out(printable(`wrote ${file} (${size} bytes): backup of ${read.manifest.createdAt}, ${describe(read.manifest, read.mediaFiles, read.mediaBytes)}\n`));
    if (read.manifest.fromEnvironment.length > 0) io.out(`note: the server takes ${read.manifest.fromEnvironment.join(' and ')} from its environment, not in the archive: keep them with it\n`);
  } finally {
    await rm(temp, { force: true });
  }
}

async function restore(io: CliIO, file: string, force: boolean): Promise<void> {
  const config = configFrom(io);
  if (config.databaseUrl) throw new CLIError('`wasap restore` restores the embedded database only; this install uses Postgres (DATABASE_URL): restore it with pg_restore', 2, PG_HINT);
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
    .action(async function backupCommand(file: string) {
      await backup(io, file);
    });
  program
    .command('restore <file>')
    .description('restore a backup into WASAP_DATA_DIR while the server is stopped')
    .option('--force', 'move an existing database, media folder and key files aside (into replaced-<time>/) instead of refusing')
    .action(async function restoreCommand(file: string, opts: { force?: boolean }) {
      await restore(io, file, opts.force ?? false);
    });
}
