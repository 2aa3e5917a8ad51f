/**
 * @module server/db/unavailable — telling an infrastructure failure (the database or the blob store cannot be
 * reached, or is shutting down) from a failure of the work itself, for retries and for the error mapper's 503.
 *
 * The difference decides what happens to an acknowledged event: an infrastructure failure waits and is retried
 * for as long as it lasts (nothing is lost, nothing dead-lettered); only a failure of the event itself (a bug,
 * bad data) counts toward dead-lettering. No imports: the error mapper (server/errors) uses it too.
 */
/** Node/Bun socket codes, postgres.js's own connection codes and disk failures: the service is not there (now). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // The local media folder's disk: full, read-only or failing — the store's problem, not the file's.
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EIO',
]);

/**
 * Postgres SQLSTATEs (Appendix A of the Postgres manual) that say "the server cannot do any work now", not
 * "this statement is wrong": class 08 connection exception, 53 insufficient resources, 57P01–57P05 operator
 * intervention (admin/crash shutdown, cannot connect now, idle timeouts), 58 system error (I/O).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('58') || /^57P0[1-5]$/.test(code);
}

/** S3 (AWS SDK v3) failures that are the service's, not the request's: 5xx, throttling, timeouts, network. */
function isUnavailableS3(error: { name?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: unknown }): boolean {
  const status = error.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500 || status === 429;
  return error.name === 'TimeoutError' || error.name === 'NetworkingError' || error.$retryable !== undefined;
}

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  name?: unknown;
  cause?: unknown;
  unavailable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

/**
 * True when `error` (or any error in its `cause` chain: drizzle wraps driver errors) says the database or blob
 * store is unreachable or refusing work for now. False for everything else, including constraint violations,
 * syntax errors and bugs — those are failures of the work itself.
 */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const e = current as ErrorLike;
    if (e.unavailable === true) return true;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || (/^[0-9A-Z]{5}$/.test(e.code) && isUnavailableSqlState(e.code)))) return true;
    if (e.$metadata && isUnavailableS3(e)) return true;
    current = e.cause;
  }
  return false;
}

/**
 * Failures worth retrying without counting them against the work: `isUnavailable`, plus Postgres's
 * serialization_failure (40001) and deadlock_detected (40P01), which a retry resolves by definition.
 */
export function isTransient(error: unknown): boolean {
  return isUnavailable(error) || hasSqlState(error, '40001', '40P01');
}

/** True when `error` or an error in its `cause` chain (drizzle wraps driver errors) carries one of these SQLSTATEs. */
export function hasSqlState(error: unknown, ...codes: string[]): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && codes.includes(code)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}
