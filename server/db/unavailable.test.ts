/** @module server/db/unavailable.test — which failures are the infrastructure's, and the deadline that turns them into 503s. */
import { describe, expect, test } from 'bun:test';
import { ServiceUnavailableError, toErrorBody } from '../errors';
import { withDeadline } from './deadline';
import { isTransient, isUnavailable } from './unavailable';

const withCode = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, ...(cause ? { cause } : {}) });

describe('isUnavailable', () => {
  test.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '08006', '57P01', '57P03', '53300', '58030'])('%s is the infrastructure', (code) => {
    expect(isUnavailable(withCode(code))).toBe(true);
  });

  test.each(['23505', '42P01', '22P02', '40001', 'ERR_SOMETHING'])('%s is not', (code) => {
    expect(isUnavailable(withCode(code))).toBe(false);
  });

  test('looks through the cause chain (drizzle wraps driver errors), not forever', () => {
    expect(isUnavailable(new Error('Failed query', { cause: withCode('ECONNREFUSED') }))).toBe(true);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isUnavailable(loop)).toBe(false);
  });

  test('S3: 5xx and 429 and network failures are the service, a 4xx is the request', () => {
    expect(isUnavailable({ name: 'InternalError', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isUnavailable({ name: 'SlowDown', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isUnavailable({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })).toBe(false);
    expect(isUnavailable({ name: 'TimeoutError', $metadata: {} })).toBe(true);
  });

  test('bugs and plain values are not', () => {
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('isTransient', () => {
  test('adds serialization failures and deadlocks, which a retry resolves', () => {
    expect(isTransient(withCode('40001'))).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: withCode('40P01') }))).toBe(true);
    expect(isTransient(withCode('23505'))).toBe(false);
  });
});

describe('withDeadline', () => {
  test('passes the result through in time', async () => {
    expect(await withDeadline(Promise.resolve(42), 1000)).toBe(42);
  });

  test('rejects with a 503 when the work takes longer, without waiting for it', async () => {
    const never = new Promise<never>(() => {});
    const error = await withDeadline(never, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  test('an unreachable database becomes a 503 too; any other failure passes through unchanged', async () => {
    expect(await withDeadline(Promise.reject(withCode('ECONNREFUSED')), 1000).catch((e: unknown) => e)).toBeInstanceOf(ServiceUnavailableError);
    const bug = new TypeError('bug');
    expect(await withDeadline(Promise.reject(bug), 1000).catch((e: unknown) => e)).toBe(bug);
  });
});

describe('the error mapper', () => {
  test('an unreachable database is a 503 that says so, wherever it surfaces; a bug stays a 500', () => {
    const wrapped = new Error('Failed query: select 1', { cause: withCode('ECONNREFUSED') });
    expect(toErrorBody('UNKNOWN', wrapped)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(toErrorBody('UNKNOWN', new TypeError('bug'))).toMatchObject({ status: 500, code: 'INTERNAL' });
  });
});
