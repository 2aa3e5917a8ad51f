/** @module server/auth/csrf — the per-session CSRF token check, and the local-path rule for `next` redirects. */
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export class CsrfError extends AppError {
  override readonly code = 'CSRF_INVALID' as const;
  constructor() {
    super('CSRF_INVALID', 403, 'The security token of this form is missing or out of date. Reload the page and try again.');
  }
}

/** Constant-time: also for WebSocket messages, which carry the token themselves. */
export function checkCsrf(session: { csrfToken: string } | null | undefined, value: unknown): boolean {
  if (!session || typeof value !== 'string' || value.length === 0) return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(value);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * Only same-site paths: `//evil.example` and `/\evil.example` are other hosts to a browser,
 * and control characters could smuggle a header.
 */
export function isLocalPath(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 2048 && /^\/(?![/\\])/.test(value) && !/[\\\u0000-\u001f\u007f]/.test(value);
}

export function safeNext(value: unknown, fallback = '/inbox'): string {
  return isLocalPath(value) ? value : fallback;
}
