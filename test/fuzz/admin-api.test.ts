/**
 * @module test/fuzz/admin-api.test — property-based fuzzing of the admin API with a valid token: JSON bodies of any
 * shape, any content type, mutated and broken bot scripts, references and path parameters of any spelling (escaped
 * or not), any method. Never a 5xx, nothing logged at error level, and the server keeps answering.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createApiToken } from '../../server/services/api-tokens';
import { DEFAULT_SCRIPT_FILE } from '../../server/services/bot-scripts';
import { testApp, type TestApp } from '../support/app';
import { anyContentType, anyJson, anyText, errorsLogged, expectStillServing, fuzzRequests, headerValue, objectText, request, runs, TRICKY, urlPart } from './fuzz-support';

const SCRIPT = readFileSync(DEFAULT_SCRIPT_FILE, 'utf8');
const LINES = SCRIPT.split('\n');
// Set up at load time, outside any hook's time limit (PGlite's start-up is slow on a busy machine).
const t: TestApp = await testApp('pglite', { overrides: { bot: false } });
const { id: tokenId, token } = await createApiToken(t.database.db, 'fuzz', 'test');
let disposed = false;

afterAll(async () => {
  if (!disposed) await t[Symbol.asyncDispose]();
});

/** The shipped script with one line replaced, one removed, a piece cut off, or YAML oddities appended. */
const scriptText = fc.oneof(
  fc.tuple(fc.nat({ max: LINES.length - 1 }), anyText).map(([at, line]) => LINES.toSpliced(at, 1, line).join('\n')),
  fc.nat({ max: LINES.length - 1 }).map((at) => LINES.toSpliced(at, 1).join('\n')),
  fc.nat({ max: SCRIPT.length }).map((at) => SCRIPT.slice(0, at)),
  fc.tuple(fc.nat({ max: 60 }), anyText).map(([n, word]) => SCRIPT.replace('Qué alegría que nos escribas.', `Qué alegría ${n} ${JSON.stringify(word)}`)),
  fc.constantFrom(
    'a: &a [*a]',
    '&x a: *x',
    'name: x\nname: y',
    '- - - - - - - - - - [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]',
    `name: "${'\\u0000'}"`,
    '!!binary x',
    '!!js/function "function () {}"',
    '%YAML 9.9\n---\nname: x',
    `${'['.repeat(2000)}${']'.repeat(2000)}`,
    `${'{a: '.repeat(500)}1${'}'.repeat(500)}`,
    'name: intake\nlocales: [es]\nmessages: {}\nstart: nope\nsteps: {}',
    'name: ../../etc\nlocales: []',
  ),
  anyText,
);

const publishBody = fc.oneof(
  { arbitrary: fc.record({ body: scriptText, activate: fc.option(fc.boolean(), { nil: undefined }) }).map((value) => JSON.stringify(value)), weight: 5 },
  objectText(fc.oneof(fc.constantFrom('body', 'activate', 'ref'), fc.constantFrom(...TRICKY)), fc.oneof(scriptText, anyJson)),
  anyJson.map((value) => JSON.stringify(value) ?? 'null'),
  anyText,
);

const activateBody = fc.oneof(
  fc.oneof(fc.constantFrom('intake', 'intake@1', 'intake@2', 'intake@0', 'intake@999999999', 'intake@1234567890', 'Intake', '-x'), anyText).map((ref) => JSON.stringify({ ref })),
  objectText(fc.oneof(fc.constant('ref'), fc.constantFrom(...TRICKY)), anyJson),
  anyText,
);

/** A path segment as a client may send it: escaped properly, or raw with stray `%`, `@`, dots and slashes. */
const segment = fc.oneof(
  anyText.map(urlPart),
  fc.string({ unit: fc.constantFrom(...'abcz09@._-%/+~:AZ'.split('')), maxLength: 16 }),
  fc.constantFrom('intake', 'intake@1', 'intake%401', '%25', '%', '%E0%A4%A', '..', '.', '%2e%2e', '%00', 'intake@', '@1'),
);

/** A request to the admin API with the valid token. */
function api(path: string, init: { method?: string; body?: string; type?: string } = {}): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.type !== undefined) headers['content-type'] = init.type;
  return request(`/api/admin${path}`, { method: init.method ?? 'GET', headers, body: init.body });
}

const jsonMostly = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 5 }, anyContentType);

describe('admin API under fuzzing', () => {
  test('publishes of any JSON body, script or content type: never a 5xx', async () => {
    const publish = fc.record({ body: publishBody, type: jsonMostly });
    const seen = await fuzzRequests(t, publish, ({ body, type }) => api('/bot/scripts', { method: 'POST', body, type }), runs(1500));
    // New versions were published and refused scripts named their problems.
    seen.expectAtLeast({ 200: 30, 422: 300 });
  });

  test('activations of any reference and body: never a 5xx', async () => {
    const activate = fc.record({ body: activateBody, type: jsonMostly });
    const seen = await fuzzRequests(t, activate, ({ body, type }) => api('/bot/activate', { method: 'POST', body, type }), runs(3000));
    seen.expectAtLeast({ 200: 50, 400: 100, 404: 20 });
  });

  test('any method on any admin path with any path parameter: never a 5xx', async () => {
    const call = fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      path: fc.oneof(
        segment.map((ref) => `/bot/scripts/${ref}`),
        // Any token but the one this run uses (revoking it would turn every later request into a 401).
        segment.filter((id) => Number(id) !== tokenId).map((id) => `/tokens/${id}/revoke`),
        fc.tuple(segment, segment).map(([a, b]) => `/${a}/${b}`),
        fc.constantFrom('/whoami', '/bot/scripts', '/bot/activate', '/bot', '/', '', '/status', '/users', '/users/disabled', '/users/password', '/tokens'),
      ),
      query: fc.option(segment.map((value) => `?ref=${value}&${value}=1`)),
      body: fc.option(
        fc.oneof(
          anyText,
          anyJson.map((value) => JSON.stringify(value) ?? 'null'),
        ),
      ),
      type: fc.option(anyContentType),
    });
    const seen = await fuzzRequests(
      t,
      call,
      ({ method, path, query, body, type }) => {
        const withBody = method !== 'GET' && method !== 'HEAD' && body !== null;
        return api(`${path}${query ?? ''}`, { method, body: withBody ? body : undefined, type: type ?? undefined });
      },
      runs(3000),
    );
    seen.expectAtLeast({ 200: 100, 400: 100, 404: 100 });
  });

  test('tokens of any shape: 401, never a 5xx', async () => {
    const header = fc.oneof(
      fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic x', `Bearer ${token}x`, `bearer wsp_`, 'Bearer wsp_'.padEnd(120, 'a'), 'Bearer wsl_', `Bearer wsl_${'a'.repeat(43)}`),
      headerValue,
    );
    const call = fc.tuple(header, fc.constantFrom('/whoami', '/bot/scripts', '/bot/scripts/intake', '/status', '/users', '/tokens'));
    const seen = await fuzzRequests(t, call, ([authorization, path]) => request(`/api/admin${path}`, { headers: { authorization } }), runs(2000));
    seen.expectAtLeast({ 401: runs(2000) });
  });

  test('afterwards the server still answers, and once drained nothing was logged at error level', async () => {
    await expectStillServing(t);
    expect((await t.app.handle(api('/whoami'))).status).toBe(200);
    disposed = true;
    await t[Symbol.asyncDispose]();
    expect(errorsLogged(t)).toEqual([]);
  });
});
