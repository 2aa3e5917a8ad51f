/**
 * @module server/backup/snapshot — what a backup holds, taken from an open embedded database: the row counts, PGlite's
 * own copy of its data folder, then the media folder's file list and the install's key files.
 *
 * The copy is consistent because PGlite runs one query at a time and `dumpDataDir()` takes the same lock as a query: it
 * sees every committed transaction and no half of one (an open transaction's WAL is rolled back when the copy is next
 * opened, as after a crash). Media are listed after the copy, so every file a copied row names was written before it
 * (files are stored before their row points at them); a file added later is in the archive but unused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { mediaDir, type Config } from '../config';
import type { Database } from '../db/client';
import { BackupError, BACKUP_FORMAT, BACKUP_VERSION, KEY_FILES, type BackupCounts, type BackupManifest, type KeyFile } from './format';

/** The subset of a PGlite instance a backup uses (typed here so this module does not load PGlite itself). */
export interface PgliteLike {
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

/** One file of the media folder: its path relative to the folder (with `/`) and where it is. */
export interface MediaFile {
  path: string;
  file: string;
}

export interface Snapshot {
  manifest: BackupManifest;
  /** The gzipped tar of the data folder. */
  database: Blob;
  media: MediaFile[];
  keys: { name: KeyFile; bytes: Uint8Array }[];
}

export interface SnapshotSources {
  database: Database;
  /** The data folder, where the key files are. */
  dataDir: string;
  /** The local media folder, or undefined when media are in S3. */
  mediaDir?: string;
  /** The settings the environment gives instead of key files (their files are left out). */
  fromEnvironment: string[];
  now?: () => number;
}

/** The setting that replaces each key file when set. */
const ENVIRONMENT_OF: Record<KeyFile, string> = { secret: 'WASAP_SECRET', 'vapid.json': 'VAPID_PRIVATE_KEY' };

/** What a backup of this install reads besides the database: its data folder, media folder (none with S3), key settings. */
export function snapshotSources(config: Config, database: Database, now?: () => number): SnapshotSources {
  const fromEnvironment = [config.secret ? ENVIRONMENT_OF.secret : undefined, config.vapidKeys ? ENVIRONMENT_OF['vapid.json'] : undefined].filter((e) => e !== undefined);
  return { database, dataDir: config.dataDir, mediaDir: config.s3 ? undefined : mediaDir(config), fromEnvironment, now };
}

const COUNTS_SQL = `select (select count(*) from aspirants)::int as aspirants, (select count(*) from conversations)::int as conversations,
  (select count(*) from messages)::int as messages, (select count(*) from media)::int as media, (select count(*) from users)::int as users`;

/** The row counts of the main tables, through PGlite's own client. */
export async function countRows(client: PgliteLike): Promise<BackupCounts> {
  const { rows } = await client.query<BackupCounts>(COUNTS_SQL);
  return rows[0]!;
}

/**
 * The PGlite client under an open embedded database.
 * @throws BackupError NOT_EMBEDDED for Postgres (backed up with pg_dump, see the README).
 */
export function pgliteOf(database: Database): PgliteLike {
  const client = (database.db as unknown as { $client?: Partial<PgliteLike> }).$client;
  if (database.kind !== 'pglite' || typeof client?.dumpDataDir !== 'function') {
    throw new BackupError(
      'NOT_EMBEDDED',
      'this server keeps its data in Postgres (DATABASE_URL): back it up with pg_dump, not `wasap backup`',
      'See "Backups" in the README: pg_dump -Fc, and the media folder or S3 bucket beside it.',
    );
  }
  return client as PgliteLike;
}

/** Every regular file under `dir` (none when it does not exist), skipping blob writes still in progress (`.…tmp`). */
export async function listMedia(dir: string): Promise<MediaFile[]> {
  if (!existsSync(dir)) return [];
  const found: MediaFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || (entry.name.startsWith('.') && entry.name.endsWith('.tmp'))) continue;
    const file = join(entry.parentPath, entry.name);
    found.push({ path: relative(dir, file).split(sep).join('/'), file });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Takes the snapshot (the database copy holds PGlite's query lock for its duration: well under a second for small data). */
export async function takeSnapshot(sources: SnapshotSources): Promise<Snapshot> {
  const client = pgliteOf(sources.database);
  const counts = await countRows(client);
  const createdAt = new Date((sources.now ?? Date.now)()).toISOString();
  // Uncompressed inside the lock, gzipped after it: queries wait only for the copy.
  const raw = await client.dumpDataDir('none');
  const database = await new Response(raw.stream().pipeThrough(new CompressionStream('gzip'))).blob();
  const media = sources.mediaDir ? await listMedia(sources.mediaDir) : [];
  let mediaBytes = 0;
  for (const one of media) mediaBytes += (await stat(one.file).catch(() => ({ size: 0 }))).size;
  const keys = KEY_FILES.filter((name) => !sources.fromEnvironment.includes(ENVIRONMENT_OF[name]) && existsSync(join(sources.dataDir, name))).map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(join(sources.dataDir, name))),
  }));
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt,
    database: 'pglite',
    postgres: (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? 'unknown',
    counts,
    media: sources.mediaDir ? 'included' : 's3',
    mediaFiles: media.length,
    mediaBytes,
    keys: keys.map((key) => key.name),
    fromEnvironment: sources.fromEnvironment,
  };
  return { manifest, database, media, keys };
}
