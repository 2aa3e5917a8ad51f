/**
 * @module server/private-files — files the server and the CLI create hold personal data (the embedded database,
 * media, backups, keys): a private umask makes every one of them, and every folder, readable by their owner only,
 * whatever umask the shell had (022 on most systems would leave them 0644). The embedded database sets its files'
 * modes itself (0666, from its WebAssembly file system), so its folder and the media folder are also made 0700:
 * nothing inside a folder only its owner may enter can be read by anyone else.
 */
import { chmodSync, mkdirSync } from 'node:fs';

/** Owner only: files 0600, folders 0700. */
export const PRIVATE_UMASK = 0o077;

/** Sets the process umask to PRIVATE_UMASK and returns the previous one. Bun and Node both implement process.umask. */
export function usePrivateUmask(): number {
  return process.umask(PRIVATE_UMASK);
}

/** Creates `path` (and its parents) if missing and makes it 0700. Throws what mkdir/chmod throw (EACCES, ENOTDIR…). */
export function privateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}
