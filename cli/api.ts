/**
 * @module cli/api — the Eden treaty client for the server's admin API: WASAP_URL + WASAP_API_TOKEN, or, on the machine
 * where the server runs, its local admin credential (server/local-admin) — which is only ever sent to the URL it was
 * written with.
 */
import { randomBytes } from 'node:crypto';
import { treaty } from '@elysiajs/eden';
import type { App } from '../server/app';
import type { Database } from '../server/db/client';
import { join } from 'node:path';
import { pgliteDir } from '../server/config';
import { lockFileOf, lockOwner } from '../server/db/lock';
import { isProof, LOCAL_ADMIN_FILE, LOCAL_ADMIN_PROOF_PATH, readLocalAdmin, type LocalAdmin, type LocalAdminRead } from '../server/local-admin';
import { configFrom, withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';

// Redirects are refused: a server answering 307 elsewhere would have the body (a password) sent on.
// `fetcher` (default: fetch) lets a command take a response Eden would buffer whole, as `wasap backup` streams an archive.
const client = (url: string, token: string, fetcher?: typeof fetch) =>
  treaty<App>(url, { headers: { authorization: `Bearer ${token}` }, fetch: { redirect: 'error' }, ...(fetcher ? { fetcher } : {}) });
export type AdminApi = ReturnType<typeof client>;

/** The admin API of the local server `local` (from `localServer`), with its credential. */
export const localApi = (local: LocalAdmin, fetcher?: typeof fetch): AdminApi => client(local.url, local.token, fetcher);

/**
 * The credential of a server running on this machine with this configuration's data folder — only once that server
 * has proved it holds it (an HMAC of a fresh nonce, server/local-admin), so nothing is sent to a process that took
 * its port or to one named by a planted file. Otherwise why not (3 s at most for the proof).
 */
export async function localServer(io: CliIO): Promise<LocalAdminRead> {
  const found = readLocalAdmin(configFrom(io).dataDir);
  if (!('credential' in found)) return found;
  const { credential } = found;
  const nonce = randomBytes(24).toString('base64url');
  try {
    const response = await fetch(`${credential.url}${LOCAL_ADMIN_PROOF_PATH}?nonce=${nonce}`, { redirect: 'error', signal: AbortSignal.timeout(3000) });
    const body = response.ok ? ((await response.json()) as { proof?: unknown }) : {};
    if (isProof(credential.token, nonce, body.proof)) return found;
    return { problem: `whatever answers at ${credential.url} did not prove it holds it (HTTP ${response.status})` };
  } catch (error) {
    return { problem: `nothing proved it at ${credential.url} (${(error as Error).message})` };
  }
}

/**
 * The admin API client: WASAP_API_TOKEN at WASAP_URL (both needed: a long-lived token goes only where it is told);
 * without a token, the proven credential of the server running on this machine.
 * @throws CLIError (exit 2) when there is neither.
 */
export async function adminApi(io: CliIO, fetcher?: typeof fetch): Promise<AdminApi> {
  const token = io.env.WASAP_API_TOKEN?.trim();
  const url = io.env.WASAP_URL?.trim();
  if (token) {
    if (!url) {
      throw new CLIError(
        'WASAP_API_TOKEN is set but WASAP_URL is not',
        2,
        'Set WASAP_URL to the server the token belongs to, e.g. https://wasap.agency.co (on the machine where the server runs, no token is needed).',
      );
    }
    if (/^http:\/\//i.test(url) && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname)) {
      io.err(`wasap: warning: ${url} is plain http to another machine: the token, and any password given, travel unencrypted\n`);
    }
    return client(url, token, fetcher);
  }
  if (url) throw new CLIError(`WASAP_URL is set (${url}) but WASAP_API_TOKEN is not`, 2, 'Export the token too, or unset WASAP_URL to use the server running on this machine with this data folder.');
  const local = await localServer(io);
  if ('credential' in local) return localApi(local.credential, fetcher);
  const dataDir = configFrom(io).dataDir;
  throw new CLIError(
    `no admin API credential: ${local.problem === 'there is none' ? `no server runs on this machine with the data folder ${dataDir}` : `the one in ${dataDir} cannot be used, as ${local.problem}`}`,
    2,
    'Start the server here (`npm start`) and run the command with its WASAP_DATA_DIR, or create a token with `wasap token create --name laptop` and export WASAP_URL and WASAP_API_TOKEN.',
  );
}

/**
 * Runs a command through a server's admin API — the one WASAP_URL and WASAP_API_TOKEN name, or, when the embedded
 * database belongs to a server running on this machine, that one with its local credential (only one process can
 * open a PGlite folder) — or else on the database itself.
 * @throws CLIError when the folder is held and the credential cannot be used (saying why).
 */
export async function viaServerOrDatabase<T>(io: CliIO, role: string, paths: { server(api: AdminApi): Promise<T>; database(database: Database): Promise<T> }): Promise<T> {
  // A server named explicitly (WASAP_URL with WASAP_API_TOKEN, or either alone: adminApi says what is missing) wins.
  if (io.env.WASAP_URL?.trim() || io.env.WASAP_API_TOKEN?.trim()) return paths.server(await adminApi(io));
  const config = configFrom(io);
  if (!config.databaseUrl) {
    const local = await localServer(io);
    if ('credential' in local) return paths.server(localApi(local.credential));
    const owner = lockOwner(lockFileOf(pgliteDir(config)));
    if (owner) {
      throw new CLIError(
        `the embedded database is in use by ${owner.role} (pid ${owner.pid}), and its admin credential (${join(config.dataDir, LOCAL_ADMIN_FILE)}) cannot be used: ${local.problem}`,
        1,
        local.problem === 'there is none'
          ? 'Stop the server (Ctrl+C or SIGTERM), run the command, then start it again.'
          : 'Run the command as the user the server runs as, or stop the server (Ctrl+C or SIGTERM), run it, then start it again.',
      );
    }
  }
  return withDatabase(io, role, (database) => paths.database(database));
}

interface EdenError {
  status: unknown;
  value: unknown;
}

/** Unwraps an Eden response: data, or a CLIError that carries the server's message (and details such as script problems). */
export function unwrap<T>(response: { data: T | null; error: EdenError | null }, what: string): T {
  // Eden reports a fetch that never got an answer (refused, bad URL) as a 503 whose value is the thrown error.
  if (response.error?.value instanceof Error) throw unreachable(what, response.error.value);
  if (response.error) {
    const value = response.error.value as { error?: { message?: string; details?: unknown } } | string | undefined;
    const message = typeof value === 'object' && value?.error?.message ? value.error.message : '';
    const status = Number(response.error.status);
    // Refused input (400, 422) and a refused credential (401) are usage errors, as offline (exit 2).
    throw new CLIError(`${what}: ${typeof value === 'object' && value?.error?.message ? message : `HTTP ${status}`}`, status === 400 || status === 401 || status === 422 ? 2 : 1);
  }
  if (response.data === null) throw new CLIError(`${what}: the server answered with no data`, 1);
  return response.data;
}

function unreachable(what: string, error: Error): CLIError {
  return new CLIError(`${what}: cannot reach the server (${error.message})`, 1, 'Is it running? Check WASAP_URL.');
}

/** A fetch failure (server down) becomes a clear message. */
export async function call<T>(what: string, fn: () => Promise<{ data: T | null; error: EdenError | null }>): Promise<T> {
  try {
    return unwrap(await fn(), what);
  } catch (error) {
    if (error instanceof CLIError) throw error;
    throw unreachable(what, error as Error);
  }
}
