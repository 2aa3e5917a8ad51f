/**
 * @module server/backup/restore — puts a `wasap backup` archive back into a data folder, only while no server holds it.
 *
 * In order, changing nothing until the last step: take the data folder's lock (server/db/lock: refused while a server or
 * another command holds it); refuse a folder that already has a database, media or key files unless `force`; read and
 * check the whole archive into a staging folder inside the data folder; open the staged database with PGlite (the
 * archive's copy must open and answer); only then move what was there aside into `replaced-<time>/` (never deleted)
 * and rename the staged database, media and key files into place. Any failure before that leaves the folder as it was.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pgliteExtensions } from '../db/client';
import { acquireLock, DataDirLockedError, lockFileOf } from '../db/lock';
import { BackupError, KEY_FILES, type BackupCounts, type BackupManifest } from './format';
import { readBackup } from './read';
import { countRows } from './snapshot';

export interface RestoreOptions {
  /** The archive to restore. */
  file: string;
  /** WASAP_DATA_DIR: the database goes to `<dataDir>/pg`, media to `<dataDir>/media`, key files beside them. */
  dataDir: string;
  /** Move an existing database, media folder and key files aside instead of refusing. */
  force?: boolean;
  now?: () => number;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Rows in the restored database, counted when it was opened to check it. */
  counts: BackupCounts;
  mediaFiles: number;
  mediaBytes: number;
  /** Where what was there before went (with `force`), if anything did. */
  movedAside?: string;
}

/** The parts of a data folder a restore writes, as names inside it. */
const PARTS = ['pg', 'media', ...KEY_FILES] as const;

function hasContent(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return readdirSync(path).length > 0;
  } catch {
    return true; // a file (a key file)
  }
}

/** Opens the staged copy with PGlite into `<staging>/pg`, counts its rows and closes it. @throws BackupError BAD_ARCHIVE. */
async function openStaged(staging: string): Promise<BackupCounts> {
  const { PGlite } = await import('@electric-sql/pglite');
  const tarball = new File([Bun.file(join(staging, 'database.tar.gz'))], 'pgdata.tar.gz', { type: 'application/gzip' });
  let client: InstanceType<typeof PGlite> | undefined;
  try {
    client = await PGlite.create(join(staging, 'pg'), { extensions: await pgliteExtensions(), loadDataDir: tarball });
    return await countRows(client);
  } catch (error) {
    throw new BackupError('BAD_ARCHIVE', `not a usable Wasap backup: its database does not open (${(error as Error).message})`);
  } finally {
    await client?.close();
  }
}

/** Moves the existing parts into `<dataDir>/replaced-<time>/`; returns that folder, or undefined when there was nothing. */
async function moveAside(dataDir: string, now: number): Promise<string | undefined> {
  const present = PARTS.filter((part) => existsSync(join(dataDir, part)));
  if (present.length === 0) return undefined;
  const aside = join(dataDir, `replaced-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(aside, { mode: 0o700 });
  for (const part of present) await rename(join(dataDir, part), join(aside, part));
  return aside;
}

async function install(staging: string, dataDir: string): Promise<void> {
  for (const part of PARTS) {
    const from = join(staging, part);
    if (!existsSync(from)) continue;
    const to = join(dataDir, part);
    if (existsSync(to)) await rmdir(to); // only an empty folder is left here (anything else was refused or moved aside)
    await rename(from, to);
  }
  for (const key of KEY_FILES) if (existsSync(join(dataDir, key))) await chmod(join(dataDir, key), 0o600);
}

/**
 * Restores `options.file` into `options.dataDir`.
 * @throws BackupError DATA_DIR_LOCKED (a server or command holds the folder), NOT_EMPTY (without force),
 *   BAD_ARCHIVE / UNSUPPORTED_VERSION (the archive; nothing changed); disk errors as they are.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { dataDir } = options;
  const existed = existsSync(dataDir);
  let release: () => void;
  try {
    release = acquireLock(lockFileOf(join(dataDir, 'pg')), 'wasap restore');
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    // Not the lock's own message: its advice (DATABASE_URL, for sharing a database) has nothing to do with a restore.
    const { owner } = error;
    throw new BackupError(
      'DATA_DIR_LOCKED',
      `cannot restore into ${dataDir}: its embedded database is in use by ${owner.role} (pid ${owner.pid}, since ${owner.startedAt})`,
      'Stop it (the server: Ctrl+C or SIGTERM), restore, then start the server again.',
    );
  }
  const staging = join(dataDir, `.restore-${Bun.randomUUIDv7()}`);
  try {
    const occupied = PARTS.filter((part) => hasContent(join(dataDir, part)));
    if (occupied.length > 0 && !options.force) {
      throw new BackupError(
        'NOT_EMPTY',
        `${dataDir} already has ${occupied.join(', ')}: refusing to restore over it`,
        'Restore into an empty WASAP_DATA_DIR, or add --force to move what is there aside (into replaced-<time>/, never deleted).',
      );
    }
    await mkdir(staging, { mode: 0o700 });
    const read = await readBackup(options.file, staging);
    const counts = await openStaged(staging);
    const movedAside = options.force ? await moveAside(dataDir, (options.now ?? Date.now)()) : undefined;
    await install(staging, dataDir);
    return { manifest: read.manifest, counts, mediaFiles: read.mediaFiles, mediaBytes: read.mediaBytes, movedAside };
  } finally {
    await rm(staging, { recursive: true, force: true });
    release();
    // A folder this restore created and then left empty (a refused archive) is removed again: nothing changed.
    if (!existed && existsSync(dataDir) && readdirSync(dataDir).length === 0) await rmdir(dataDir).catch(() => undefined);
  }
}
