/**
 * @module server/local-admin — the local admin credential: a random token the running server writes into its data
 * folder (`admin-api.json`, mode 0600, with the loopback URL it listens on), so `wasap` on the same machine, run by
 * the same OS user, reaches the admin API without an API token. It is the CLI's way in while the embedded database
 * is held by the server (one process per PGlite folder). A new token each start, removed at stop, compared in
 * constant time.
 *
 * The CLI trusts the file only when it is a regular file (not a symlink) owned by its own user with no group or
 * other permission bits, names a loopback IP, and the server there proves it holds the token (`proofOf`, an HMAC of
 * a fresh nonce) before anything — token, password — is sent: a file planted in a folder someone else controls, or
 * a port taken over after a crash, gets nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './db/lock';

export const LOCAL_ADMIN_FILE = 'admin-api.json';
/** The unauthenticated route where the server proves it holds the credential: `GET …?nonce=N` → `{ proof }`. */
export const LOCAL_ADMIN_PROOF_PATH = '/api/local-admin/proof';
/** Local credentials start with this, API tokens with `wsp_` (server/services/api-tokens). */
const PREFIX = 'wsl_';

/** What the file holds: where the server listens (a loopback IP), its token, and the server's pid. */
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

/** The server's answer to `nonce`: HMAC-SHA256 keyed by the token, hex (64 characters); reveals nothing of the token. */
export function proofOf(token: string, nonce: string): string {
  return createHmac('sha256', token).update(`wasap local admin proof\n${nonce}`).digest('hex');
}

/** Whether `proof` is the answer of a server holding `token` to `nonce`, in constant time. */
export function isProof(token: string, nonce: string, proof: unknown): boolean {
  return typeof proof === 'string' && proof.length === 64 && timingSafeEqual(Buffer.from(proofOf(token, nonce)), Buffer.from(proof));
}

/**
 * The URL a client on this machine reaches a server bound to `host` at `port` on: a loopback IP, never a name
 * (`localhost` may resolve to ::1, where another user could listen). Undefined when the server is not bound to a
 * loopback IP or to every address (a name such as `localhost`, or one other address): then no credential is written.
 */
export function loopbackUrl(host: string, port: number): string | undefined {
  // Not `localhost`: Bun may bind it to ::1 alone, leaving 127.0.0.1's port free for someone else.
  if (['', '0.0.0.0', '::', '127.0.0.1'].includes(host)) return `http://127.0.0.1:${port}`;
  if (host === '::1') return `http://[::1]:${port}`;
  return undefined;
}

/**
 * Whether a request came from the loopback IP `url` names (`remote` as the server sees it; an IPv4 client of a
 * dual-stack socket shows as ::ffff:127.0.0.1): a process relaying from another address is not answered.
 */
export function isFromUrlHost(url: string, remote: string | undefined): boolean {
  const address = remote?.replace(/^::ffff:/, '');
  return address !== undefined && new URL(url).hostname.replace(/^\[|\]$/g, '') === address;
}

/** Whether `url` is a plain http URL on a loopback IP with a port and nothing else. */
export function isLoopbackUrl(url: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}$/.test(url);
}

/**
 * Writes the credential into `dataDir` (mode 0600: written to a private temporary file, then renamed over any old
 * one) and returns its removal, which leaves a file another process has written since alone.
 * @throws the file system's error (the folder not writable…); the temporary file is removed first.
 */
export function writeLocalAdmin(dataDir: string, credential: { url: string; token: string }): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCAL_ADMIN_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify({ ...credential, pid: process.pid } satisfies LocalAdmin));
      fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return function removeLocalAdmin() {
    const found = readTrusted(file);
    if ('credential' in found && found.credential.pid === process.pid) rmSync(file, { force: true });
  };
}

/** A credential that can be trusted, or why the file cannot be (for the CLI's message). */
export type LocalAdminRead = { credential: LocalAdmin } | { problem: string };

/**
 * The file's credential if it can be trusted: opened without following a symlink, a regular file owned by this
 * process's user with no group or other permission bits, well-formed, with a loopback URL. Never on a system
 * without user ids (Windows).
 */
function readTrusted(file: string): LocalAdminRead {
  const uid = process.getuid?.();
  if (uid === undefined) return { problem: 'this system has no user ids to check its owner by' };
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the name must not hang the CLI on open (fstat then refuses it).
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'there is none' : code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read (${code})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > 4096) return { problem: 'it is not a small regular file' };
    if (stat.uid !== uid) return { problem: `it belongs to user ${stat.uid}, not to you (${uid})` };
    if ((stat.mode & 0o077) !== 0) return { problem: `others may read or write it (mode ${(stat.mode & 0o777).toString(8)}; the server writes 600)` };
    const stored = JSON.parse(readFileSync(fd, 'utf8')) as Partial<LocalAdmin>;
    if (typeof stored.url !== 'string' || typeof stored.token !== 'string' || typeof stored.pid !== 'number') return { problem: 'it is not a credential' };
    if (!isLoopbackUrl(stored.url) || !stored.token.startsWith(PREFIX)) return { problem: 'it does not name a loopback IP' };
    return { credential: { url: stored.url, token: stored.token, pid: stored.pid } };
  } catch {
    return { problem: 'it is not valid JSON' };
  } finally {
    closeSync(fd);
  }
}

/**
 * The credential of a server that wrote one into `dataDir` and still runs, or why there is none to use (missing,
 * untrusted — see `readTrusted` — or its process gone). The caller must still have the server prove it (`isProof`).
 */
export function readLocalAdmin(dataDir: string): LocalAdminRead {
  const found = readTrusted(join(dataDir, LOCAL_ADMIN_FILE));
  if ('credential' in found && !isAlive(found.credential.pid)) return { problem: `the server that wrote it (pid ${found.credential.pid}) is gone` };
  return found;
}
