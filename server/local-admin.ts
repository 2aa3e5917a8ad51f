/**
 * @module server/local-admin — the local admin credential: a random token the running server writes into its data
 * folder (`admin-api.json`, mode 0600, with the URL it listens on), so `wasap` on the same machine, run by someone who
 * can read that folder, reaches the admin API without an API token. It is the CLI's way in while the embedded
 * database is held by the server (one process per PGlite folder). A new token each start, removed at stop, compared
 * in constant time; whoever can read the folder could read the database files anyway.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './db/lock';

export const LOCAL_ADMIN_FILE = 'admin-api.json';
/** Local credentials start with this, API tokens with `wsp_` (server/services/api-tokens). */
const PREFIX = 'wsl_';

/** What the file holds: where the server listens, its token, and the server's pid. */
export interface LocalAdmin {
  url: string;
  token: string;
  pid: number;
}

/** A fresh credential: `wsl_` + 32 random bytes, base64url (47 characters). */
export function createLocalAdminToken(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `given` (an Authorization bearer value, maybe absent) is `expected`, in constant time. */
export function isLocalAdminToken(expected: string, given: string | undefined): boolean {
  if (!given || !given.startsWith(PREFIX) || given.length > 100) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Writes the credential into `dataDir` (mode 0600: written to a private temporary file, then renamed over any old
 * one) and returns its removal, which leaves a file another process has written since alone.
 */
export function writeLocalAdmin(dataDir: string, credential: { url: string; token: string }): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCAL_ADMIN_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ ...credential, pid: process.pid } satisfies LocalAdmin));
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return function removeLocalAdmin() {
    if (readStored(file)?.pid === process.pid) rmSync(file, { force: true });
  };
}

function readStored(file: string): LocalAdmin | undefined {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalAdmin>;
    if (typeof stored.url !== 'string' || typeof stored.token !== 'string' || typeof stored.pid !== 'number') return undefined;
    return { url: stored.url, token: stored.token, pid: stored.pid };
  } catch {
    return undefined;
  }
}

/** The credential of a server running on this machine with `dataDir`, or undefined (none, unreadable, or its server is gone). */
export function readLocalAdmin(dataDir: string): LocalAdmin | undefined {
  const stored = readStored(join(dataDir, LOCAL_ADMIN_FILE));
  return stored && isAlive(stored.pid) ? stored : undefined;
}
