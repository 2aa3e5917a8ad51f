/** @module cli/api — the Eden treaty client for the server's admin API (WASAP_URL + WASAP_API_TOKEN). */
import { treaty } from '@elysiajs/eden';
import type { App } from '../server/app';
import { CLIError } from './errors';
import type { CliIO } from './io';

export function adminApi(io: CliIO) {
  const token = io.env.WASAP_API_TOKEN?.trim();
  if (!token)
    throw new CLIError('WASAP_API_TOKEN is not set', 2, 'Create a token with `wasap token create --name laptop` and export WASAP_API_TOKEN=… (and WASAP_URL if the server is not on localhost:3000).');
  const url = io.env.WASAP_URL?.trim() || `http://localhost:${io.env.PORT?.trim() || 3000}`;
  return treaty<App>(url, { headers: { authorization: `Bearer ${token}` } });
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
    throw new CLIError(`${what}: ${typeof value === 'object' && value?.error?.message ? message : `HTTP ${status}`}`, status === 401 ? 2 : 1);
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
