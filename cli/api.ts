/**
 * @module cli/api — the Eden treaty client for the server's admin API: WASAP_URL + WASAP_API_TOKEN, or, on the machine
 * where the server runs, its local admin credential (server/local-admin) — which is only ever sent to the URL it was
 * written with.
 */
import { randomBytes } from 'node:crypto';
import { treaty } from '@elysiajs/eden';
import type { App } from '../server/app';
import type { Database } from '../server/db/client';
import { isProof, LOCAL_ADMIN_PROOF_PATH, readLocalAdmin, type LocalAdmin } from '../server/local-admin';
import { configFrom, withDatabase } from './context';
import { CLIError } from './errors';
import type { CliIO } from './io';

const client = (url: string, token: string) => treaty<App>(url, { headers: { authorization: `Bearer ${token}` } });
export type AdminApi = ReturnType<typeof client>;

/** The admin API of the local server `local` (from `localServer`), with its credential. */
export const localApi = (local: LocalAdmin): AdminApi => client(local.url, local.token);

/**
 * The credential of a server running on this machine with this configuration's data folder — only once that server
 * has proved it holds it (an HMAC of a fresh nonce, server/local-admin), so nothing is sent to a process that took
 * its port or to one named by a planted file. Undefined when there is none or the proof fails (3 s at most).
 */
export async function localServer(io: CliIO): Promise<LocalAdmin | undefined> {
  const local = readLocalAdmin(configFrom(io).dataDir);
  if (!local) return undefined;
  const nonce = randomBytes(24).toString('base64url');
  try {
    const response = await fetch(`${local.url}${LOCAL_ADMIN_PROOF_PATH}?nonce=${nonce}`, { redirect: 'error', signal: AbortSignal.timeout(3000) });
    const body = response.ok ? ((await response.json()) as { proof?: unknown }) : {};
    return isProof(local.token, nonce, body.proof) ? local : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The admin API client: WASAP_API_TOKEN at WASAP_URL (default http://127.0.0.1:$PORT: an IP, since `localhost` may
 * resolve to ::1 where another user could listen); without a token, the local server's proven credential, unless
 * WASAP_URL names another server.
 * @throws CLIError (exit 2) when there is neither.
 */
export async function adminApi(io: CliIO): Promise<AdminApi> {
  const token = io.env.WASAP_API_TOKEN?.trim();
  const url = io.env.WASAP_URL?.trim();
  if (token) return client(url || `http://127.0.0.1:${io.env.PORT?.trim() || 3000}`, token);
  const local = url ? undefined : await localServer(io);
  if (local) return localApi(local);
  throw new CLIError(
    'WASAP_API_TOKEN is not set, and no server is running on this machine with this data folder',
    2,
    'Start the server here (`npm start`), or create a token with `wasap token create --name laptop` and export WASAP_API_TOKEN=… (and WASAP_URL if the server is not on localhost:3000).',
  );
}

/**
 * Runs a command on the database — or, when the embedded database belongs to a server running on this machine,
 * through that server's admin API with its local credential, since only one process can open a PGlite folder.
 */
export async function viaServerOrDatabase<T>(io: CliIO, role: string, paths: { server(api: AdminApi): Promise<T>; database(database: Database): Promise<T> }): Promise<T> {
  if (!configFrom(io).databaseUrl) {
    const local = await localServer(io);
    if (local) return paths.server(localApi(local));
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
  return new CLIError(`${what}: cannot reach the server (${error.message})`, 1, 'Is it running? Check WASAP_URL (default http://localhost:$PORT).');
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
