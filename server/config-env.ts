/** @module server/config-env — reading environment variables: typed, range-checked, one ConfigError line per problem. */
import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

/** A configuration problem: one line naming the variable and what it expects. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(
    readonly variable: string,
    expected: string,
    value?: string,
  ) {
    super(`${variable}: expected ${expected}${value === undefined ? '' : `, got ${JSON.stringify(value)}`}`);
  }
}

export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

export function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redactUrl(raw));
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`, redactUrl(raw));
  }
  return raw;
}

/** Never echo a password from a connection string back into a log line. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

/** Whether `path` is a readable file holding at least one PEM certificate. */
export function isPemFile(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----');
  } catch {
    return false;
  }
}

/** `7d`, `48h`, `90m`, `3600s` or a plain number of seconds. */
export function duration(env: Env, name: string, fallbackMs: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallbackMs;
  const match = /^(\d+)\s*(d|h|m|s)?$/i.exec(raw);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(match?.[2] ?? 's').toLowerCase() as 'd' | 'h' | 'm' | 's'];
  const ms = match ? Number(match[1]) * unit : NaN;
  if (!(ms >= 60_000 && ms <= 90 * 86_400_000)) throw new ConfigError(name, 'a duration from 1m to 90d, like 7d, 48h or 90m', raw);
  return ms;
}
