/**
 * @module server/backup/format — the layout of a `wasap backup` archive, shared by its writer and its reader.
 *
 * An archive is one uncompressed tar file whose entries come in this order:
 *
 * 1. `manifest.json` — {@link BackupManifest}: format and version, when, what database, row counts;
 * 2. `database/pgdata.tar.gz` — PGlite's own `dumpDataDir()` of the embedded database, gzipped;
 * 3. `media/<path>` — every file of the local media folder (blobs and their `.meta` sidecars), by relative path;
 * 4. `keys/secret`, `keys/vapid.json` — the key files the install generated in its data folder (unless the environment
 *    gives them: WASAP_SECRET, VAPID_*): form links and the erased-subject ledger's hashes derive from the secret, and
 *    browsers' push subscriptions are bound to the VAPID pair, so a restore without them would not match either;
 * 5. `end.json` — {@link BackupEnd}: every entry before it with its size and SHA-256, so a cut-off download or a
 *    damaged file is refused whole.
 */

export const BACKUP_FORMAT = 'wasap-backup';
/** The version this code writes and the only one it reads; a later Wasap that changes the layout raises it. */
export const BACKUP_VERSION = 1;
/** The media type the admin API answers an archive with (the CLI streams only this to disk). */
export const BACKUP_CONTENT_TYPE = 'application/x-tar';

export const ENTRY = { manifest: 'manifest.json', database: 'database/pgdata.tar.gz', end: 'end.json' } as const;
export const MEDIA_PREFIX = 'media/';
export const KEYS_PREFIX = 'keys/';
/** The data folder's generated key files (server/config resolveSecret, server/push/vapid), by file name. */
export const KEY_FILES = ['secret', 'vapid.json'] as const;
export type KeyFile = (typeof KEY_FILES)[number];
/** Limits for the small entries (bytes): anything bigger is no archive of ours. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
export const MAX_KEY_BYTES = 64 * 1024;

/** Rows of the main tables, counted just before the database was copied (the copy itself is consistent). */
export interface BackupCounts {
  aspirants: number;
  conversations: number;
  messages: number;
  /** Rows of the media table (stored and pending files), not files in the folder. */
  media: number;
  users: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** ISO 8601, when the database was copied. */
  createdAt: string;
  /** Only the embedded database is backed up this way (Postgres: pg_dump, see the README). */
  database: 'pglite';
  /** The Postgres version of the PGlite that wrote the copy (`server_version`), e.g. `17.5`. */
  postgres: string;
  counts: BackupCounts;
  /** `included`: the media folder's files are entries; `s3`: media live in the S3 bucket and are not in the archive. */
  media: 'included' | 's3';
  /** Files and bytes of the media folder as listed after the copy (end.json has what was written). */
  mediaFiles: number;
  mediaBytes: number;
  /** The key files in the archive (`keys/<name>`). */
  keys: KeyFile[];
  /** Settings the server took from its environment instead of a key file (WASAP_SECRET, VAPID_PRIVATE_KEY): set them again. */
  fromEnvironment: string[];
}

export interface BackupEntrySum {
  name: string;
  size: number;
  /** Hex SHA-256 of the entry's bytes. */
  sha256: string;
}

export interface BackupEnd {
  entries: BackupEntrySum[];
}

/** Why an archive (or a restore) was refused; `code` names the case for tests and the CLI's exit code. */
export class BackupError extends Error {
  constructor(
    readonly code: 'BAD_ARCHIVE' | 'UNSUPPORTED_VERSION' | 'NOT_EMPTY' | 'DATA_DIR_LOCKED' | 'NOT_EMBEDDED',
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** BAD_ARCHIVE, saying why. */
export function badArchive(why: string): BackupError {
  return new BackupError('BAD_ARCHIVE', `not a usable Wasap backup: ${why}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The manifest from its entry's bytes.
 * @throws BackupError BAD_ARCHIVE when it is not a Wasap manifest, UNSUPPORTED_VERSION when another version wrote it.
 */
export function parseManifest(bytes: Uint8Array): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<BackupManifest>;
  } catch {
    throw badArchive('its manifest.json is not JSON');
  }
  if (typeof value !== 'object' || value === null || value.format !== BACKUP_FORMAT) throw badArchive('its manifest.json is not a Wasap backup manifest');
  if (value.version !== BACKUP_VERSION) {
    throw new BackupError(
      'UNSUPPORTED_VERSION',
      `this backup has format version ${String(value.version)}, and this Wasap reads version ${BACKUP_VERSION} only`,
      typeof value.version === 'number' && value.version > BACKUP_VERSION ? 'Restore it with the Wasap version that made it, or a later one.' : undefined,
    );
  }
  const counts = value.counts as Partial<BackupCounts> | undefined;
  const countsOk = counts && [counts.aspirants, counts.conversations, counts.messages, counts.media, counts.users].every(isCount);
  if (value.database !== 'pglite' || typeof value.createdAt !== 'string' || Number.isNaN(Date.parse(value.createdAt)) || typeof value.postgres !== 'string' || !countsOk) {
    throw badArchive('its manifest.json lacks fields (database, createdAt, postgres, counts)');
  }
  const keysOk = Array.isArray(value.keys) && value.keys.every((k) => KEY_FILES.includes(k)) && Array.isArray(value.fromEnvironment) && value.fromEnvironment.every((e) => typeof e === 'string');
  if ((value.media !== 'included' && value.media !== 's3') || !isCount(value.mediaFiles) || !isCount(value.mediaBytes) || !keysOk) {
    throw badArchive('its manifest.json lacks fields (media, mediaFiles, mediaBytes, keys, fromEnvironment)');
  }
  return value as BackupManifest;
}

/** The end entry from its bytes. @throws BackupError BAD_ARCHIVE when it is not one. */
export function parseEnd(bytes: Uint8Array): BackupEnd {
  let value: Partial<BackupEnd>;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<BackupEnd>;
  } catch {
    throw badArchive('its end.json is not JSON');
  }
  const ok =
    Array.isArray(value?.entries) &&
    value.entries.every((e: Partial<BackupEntrySum>) => typeof e?.name === 'string' && isCount(e.size) && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256));
  if (!ok) throw badArchive('its end.json does not list the entries');
  return value as BackupEnd;
}

/** The key file a `keys/…` entry restores, or undefined when it names none. */
export function keyFileOf(name: string): KeyFile | undefined {
  return KEY_FILES.find((key) => name === KEYS_PREFIX + key);
}

/**
 * The media folder's relative path of a `media/…` entry, or undefined when the name could lead anywhere else (absolute,
 * `..`, `.` or empty segments, backslashes, NUL): such an archive is refused, never extracted.
 */
export function mediaPathOf(name: string): string | undefined {
  if (!name.startsWith(MEDIA_PREFIX)) return undefined;
  const rest = name.slice(MEDIA_PREFIX.length);
  const segments = rest.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return undefined;
  return rest;
}
