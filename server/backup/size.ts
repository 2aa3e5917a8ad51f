/**
 * @module server/backup/size — how large an archive will be before it is written, and how much room its destination
 * has: `wasap backup` warns about a large backup and refuses, before writing a byte, one its disk cannot hold.
 */
import { statfs } from 'node:fs/promises';
import type { Snapshot } from './snapshot';

/**
 * Above this (bytes, 2 GB) a backup counts as large and `wasap backup` says so before writing it: it takes minutes,
 * the server holds the database copy in memory meanwhile, and the destination needs that much room.
 */
export const LARGE_BACKUP_BYTES = 2_000_000_000;

/** The response header the admin API gives the estimate in (bytes, {@link estimateArchiveBytes}), before the archive. */
export const BACKUP_ESTIMATE_HEADER = 'x-wasap-backup-estimate';

const BLOCK = 512;
const padded = (bytes: number) => Math.ceil(bytes / BLOCK) * BLOCK;
/** An entry's header, plus room for the pax header pair tar-stream adds when a name passes tar's 100 characters. */
const ENTRY_OVERHEAD = 3 * BLOCK;
/** end.json's line for an entry, beside its name: the size and a 64-character SHA-256 in indented JSON. */
const END_LINE_BYTES = 160;
/** The two zero blocks that end a tar file. */
const TAR_END = 2 * BLOCK;

/**
 * The archive's size in bytes for `snapshot`, a little above what server/backup/write produces (each entry rounded
 * up to whole blocks with room for a long name): the database copy, the media files as listed (a file erased since
 * is left out, so the archive can only be smaller), the key files, the manifest and end.json.
 */
export function estimateArchiveBytes(snapshot: Snapshot): number {
  const { manifest, media, keys } = snapshot;
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`).byteLength;
  const names = ['manifest.json', 'database/pgdata.tar.gz', ...media.map((m) => `media/${m.path}`), ...keys.map((k) => `keys/${k.name}`)];
  const endBytes = names.reduce((sum, name) => sum + Buffer.byteLength(name) + END_LINE_BYTES, 64);
  // Every media file may end in a partial block: count a whole one each.
  const mediaBytes = manifest.mediaBytes + media.length * BLOCK;
  const bodies = padded(manifestBytes) + padded(snapshot.database.size) + mediaBytes + keys.reduce((sum, k) => sum + padded(k.bytes.byteLength), 0) + padded(endBytes);
  return bodies + (names.length + 1) * ENTRY_OVERHEAD + TAR_END;
}

/**
 * The bytes an unprivileged process may still write in the file system holding `dir` (statfs: available blocks ×
 * block size), or undefined when it cannot be told (no such folder, a file system statfs does not know): the caller
 * then writes and lets the disk say if it is full.
 */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/** `1536` → `1.5 KB`, `3_221_225_472` → `3.2 GB` (powers of 1000, one decimal from KB up), for messages. */
export function humanBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) ((value /= 1000), unit++);
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
