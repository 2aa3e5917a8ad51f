/** @module test/fuzz/fuzz-support — arbitraries and checks the HTTP fuzz tests share: hostile text, "no 5xx", a status tally. */
import { expect } from 'bun:test';
import fc from 'fast-check';
import type { TestApp } from '../support/app';

/** FUZZ_SCALE=10 runs ten times the cases (a long local hunt); the default keeps each property to seconds. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * Number(process.env.FUZZ_SCALE ?? 1)));
}

/** Names that trip plain-object lookups, and strings that trip decoders and parsers. */
export const TRICKY = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  '0',
  '-1',
  '1e3',
  'NaN',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '%',
  '%zz',
  '%E0%A4%A',
  '%25',
  '\u0000',
  'a\u0000b',
  '\r\n',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '💬',
  'e\u0301',
  '<script>alert(1)</script>',
  "'; drop table messages; --",
  '../../etc/passwd',
  'x'.repeat(5000),
] as const;

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), maxLength: 3 });

/** Any text: printable, full Unicode with controls, lone surrogates, long, and TRICKY. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 3 },
  { arbitrary: fc.tuple(fc.string({ maxLength: 5 }), loneSurrogates, fc.string({ maxLength: 5 })).map((parts) => parts.join('')), weight: 1 },
  { arbitrary: fc.string({ minLength: 300, maxLength: 5000 }), weight: 1 },
);

/** Any JSON value, its strings drawn from anyText. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * JSON object text written by hand from key/value pairs, so keys like `__proto__` are really in it (an object
 * literal or JSON.stringify of one would drop them) and repeated keys can occur.
 */
export function objectText(keys: fc.Arbitrary<string>, values: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.array(fc.tuple(keys, values), { maxLength: 8 }).map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);
}

/** Text a header may carry (a Headers object refuses line breaks, NUL and anything past Latin-1). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(anyText, fc.string({ maxLength: 120 })).filter((text) => !/[\r\n\0]/.test(text) && [...text].every((c) => c <= '\u00ff'));

/** `encodeURIComponent` that cannot throw: a lone surrogate has no UTF-8 form, so it goes as U+FFFD, as a browser sends it. */
export function urlPart(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

/** Content types a client may claim, right or wrong. */
export const anyContentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'text/plain',
    'application/octet-stream',
    'application/xml',
    'text/html',
    '',
    '*/*',
  ),
  fc.string({ maxLength: 30 }),
);

/**
 * Sends `numRuns` requests made from values of `arbitrary` through app.handle() and fails on the first 5xx (fast-check
 * then shrinks it to a small counterexample). Returns the tally of statuses.
 */
export async function fuzzRequests<T>(t: TestApp, arbitrary: fc.Arbitrary<T>, toRequest: (value: T) => Request, numRuns: number): Promise<Tally> {
  const seen = tally();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      seen.add(await expectNot5xx(t, await t.app.handle(toRequest(value)), value));
    }),
    { numRuns },
  );
  return seen;
}

/** A request to the test app's origin. */
export function request(path: string, init: RequestInit = {}): Request {
  return new Request(`http://localhost${path}`, init);
}

/** Counts answers by status, so a test can show the fuzzing reached the code behind the checks, not only the checks. */
function tally() {
  const counts = new Map<number, number>();
  return {
    add(status: number) {
      counts.set(status, (counts.get(status) ?? 0) + 1);
    },
    /** Each status in `least` was answered at least that many times (the failure shows the whole tally). */
    expectAtLeast(least: Record<number, number>) {
      const short = Object.entries(least).filter(([status, n]) => (counts.get(Number(status)) ?? 0) < n);
      expect({ short, tally: Object.fromEntries(counts) }).toEqual({ short: [], tally: Object.fromEntries(counts) });
    },
  };
}

export type Tally = ReturnType<typeof tally>;

/** The answer is not a 5xx; a failure names the status, the input and the server's own log lines for it. */
async function expectNot5xx(t: TestApp, response: Response, input: unknown): Promise<number> {
  if (response.status >= 500) {
    const logged = errorsLogged(t).slice(-3);
    const body = await response.text();
    throw new Error(`answered ${response.status} to ${JSON.stringify(input)}: ${body}\nlogged: ${JSON.stringify(logged, null, 2)}`);
  }
  return response.status;
}

/** Lines logged at error level: a 500's cause, an actor or a job that crashed. */
export function errorsLogged(t: TestApp): Record<string, unknown>[] {
  return t.logs.filter((line) => line.level === 'error');
}

/** The app still answers an ordinary request after the storm. */
export async function expectStillServing(t: TestApp): Promise<void> {
  expect((await t.request('/login')).status).toBe(200);
  expect((await t.request('/healthz')).status).toBeLessThan(500);
}
