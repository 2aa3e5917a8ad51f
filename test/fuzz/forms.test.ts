/**
 * @module test/fuzz/forms.test — property-based fuzzing of the hosted form (POST /f/:token and its inline checks)
 * and the signed form webhook (POST /webhooks/form): answers of any shape, right or wrong, urlencoded, multipart
 * or JSON. Never a 5xx, nothing logged at error level, and the server keeps answering.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { MODELING_TYPES, SHIFTS } from '../../actors/vocabulary';
import type { Aspirant } from '../../server/db/queries/aspirants';
import { FORM_FIELDS } from '../../server/forms/validate';
import { SIGNATURE_HEADER, signFormWebhook } from '../../server/routes/form-webhook';
import { testApp, type TestApp } from '../support/app';
import { aspirantWhoWrote, COMPLETE_FORM, signedToken } from '../support/form';
import { anyContentType, anyJson, anyText, errorsLogged, expectStillServing, fuzzRequests, headerValue, objectText, request, runs, TRICKY, urlPart } from './fuzz-support';

const WEBHOOK_SECRET = 'fuzzing-form-webhook-secret';
const ASPIRANTS = 12;
// Set up at load time, outside any hook's time limit (PGlite's start-up is slow on a busy machine). Behind a
// "proxy" so each request can come from its own address: the per-address rate limit stays out of the way.
const t: TestApp = await testApp('pglite', { env: { FORM_WEBHOOK_SECRET: WEBHOOK_SECRET, TRUST_PROXY: 'true' }, overrides: { bot: false } });
const people: Aspirant[] = [];
for (let i = 0; i < ASPIRANTS; i++) people.push(await aspirantWhoWrote(t, `+5731100000${String(i).padStart(2, '0')}`));
let disposed = false;

afterAll(async () => {
  if (!disposed) await t[Symbol.asyncDispose]();
});

const choice = (options: readonly string[]) => fc.oneof({ arbitrary: fc.constantFrom(...options), weight: 4 }, anyText);
/** A value for each form field, mostly plausible; any of them may also be anything. */
const fieldValue: Record<string, fc.Arbitrary<string | string[]>> = {
  firstName: fc.oneof(fc.constantFrom('Valentina', 'María José', 'Ana'), anyText),
  lastName: fc.oneof(fc.constantFrom('Gómez', 'Restrepo Ruiz'), anyText),
  email: fc.oneof(fc.emailAddress(), anyText),
  location: fc.oneof(fc.constantFrom('Medellín', 'Bogotá, D.C.'), anyText),
  preferredModelingTypes: fc.oneof(fc.subarray([...MODELING_TYPES]), fc.array(anyText, { maxLength: 3 }), anyText),
  hasKids: choice(['yes', 'no', 'sí', 'true', '0']),
  preferredShift: choice(SHIFTS),
  unavailableShifts: fc.oneof(fc.subarray(['morning', 'afternoon', 'evening']), fc.array(anyText, { maxLength: 3 })),
  notes: anyText,
  birthDate: choice(['1998-05-14', '2010-02-29', '2012-06-30', '1900-01-01', '2999-01-01']),
  consentChildren: choice(['yes', 'on', 'no']),
  consentMeasurements: choice(['yes', 'on', 'no']),
  consentPhotos: choice(['yes', 'on', 'no']),
  heightCm: choice(['172', '99', '231', '1.7', '-5']),
  waistCm: choice(['60', '0', '999']),
  clientIp: choice(['203.0.113.9', '::1', 'not-an-ip']),
  clientUserAgent: anyText,
  consent: choice(['yes', 'on', 'true']),
  locale: choice(['es', 'en', 'pt']),
  nonce: fc.oneof(fc.uuid(), anyText),
};

/** A complete, valid form with up to three fields replaced by anything plausible or not, or dropped. */
const formFields: fc.Arbitrary<Record<string, string | readonly string[]>> = fc
  .tuple(fc.record(fieldValue, { requiredKeys: [] }), fc.subarray([...FORM_FIELDS], { maxLength: 2 }))
  .chain(([changed, dropped]) =>
    fc.subarray(Object.keys(changed), { maxLength: 3 }).map((keep) => {
      const fields: Record<string, string | readonly string[]> = { ...COMPLETE_FORM };
      for (const name of keep) fields[name] = changed[name]!;
      for (const name of dropped) delete fields[name];
      return fields;
    }),
  );

/** Field/value pairs in order, names repeated for lists, and now and then a tricky extra name. */
const formPairs: fc.Arbitrary<[string, string][]> = fc
  .tuple(formFields, fc.array(fc.tuple(fc.oneof(fc.constantFrom(...TRICKY), fc.constantFrom(...FORM_FIELDS)), anyText), { maxLength: 2 }))
  .map(([fields, extra]) => [
    ...Object.entries(fields).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : value.map((v): [string, string] => [name, v]))),
    ...extra,
  ]);

function encode(pairs: [string, string][], as: 'urlencoded' | 'multipart'): { body: BodyInit; type?: string } {
  if (as === 'urlencoded') return { body: new URLSearchParams(pairs).toString(), type: 'application/x-www-form-urlencoded' };
  const data = new FormData();
  for (const [name, value] of pairs) data.append(name, value);
  return { body: data };
}

let address = 0;
/** A new client address each time (see the set-up above). */
function nextIp(): string {
  address++;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
}

/** A valid link (signed at a random earlier time, so each is its own rate-limit key), an expired one, or junk. */
const token = fc.oneof(
  { arbitrary: fc.tuple(fc.nat({ max: ASPIRANTS - 1 }), fc.nat({ max: 86_400_000 })).map(([i, ago]) => signedToken(t, people[i]!.id, Date.now() - ago)), weight: 6 },
  fc.nat({ max: ASPIRANTS - 1 }).map((i) => signedToken(t, people[i]!.id, Date.now() - 400 * 86_400_000)),
  fc.nat({ max: ASPIRANTS - 1 }).map((i) => `${signedToken(t, people[i]!.id)}x`),
  anyText.map((text) => urlPart(text) || 'x'),
);

describe('hosted form and form webhook under fuzzing', () => {
  test('form submissions of any shape, urlencoded or multipart: never a 5xx', async () => {
    const submission = fc.record({ token, pairs: formPairs, as: fc.constantFrom('urlencoded', 'multipart'), lang: fc.option(choice(['es', 'en'])) });
    const seen = await fuzzRequests(
      t,
      submission,
      ({ token: link, pairs, as, lang }) => {
        const { body, type } = encode(pairs, as);
        const headers: Record<string, string> = { 'x-forwarded-for': nextIp(), ...(type ? { 'content-type': type } : {}) };
        return request(`/f/${link}${lang === null ? '' : `?lang=${urlPart(lang)}`}`, { method: 'POST', headers, body });
      },
      runs(1500),
    );
    // Stored (303), refused field by field (422), and bad links (404/410) all happened.
    seen.expectAtLeast({ 303: 20, 422: 300, 404: 50 });
  });

  test('inline field checks and bodies of any type: never a 5xx', async () => {
    const check = fc.record({
      token,
      field: fc.option(fc.oneof(fc.constantFrom(...FORM_FIELDS), fc.constantFrom(...TRICKY))),
      body: fc.oneof(
        formPairs.map((pairs) => new URLSearchParams(pairs).toString()),
        anyText,
        fc.uint8Array({ maxLength: 200 }),
      ),
      type: anyContentType,
      path: fc.constantFrom('', '/validate', '/thanks'),
    });
    const seen = await fuzzRequests(
      t,
      check,
      ({ token: link, field, body, type, path }) => {
        const method = path === '/thanks' ? 'GET' : 'POST';
        const headers = { 'x-forwarded-for': nextIp(), 'content-type': type };
        return request(`/f/${link}${path}${field === null ? '' : `?field=${urlPart(field)}`}`, { method, headers, body: method === 'GET' ? undefined : body });
      },
      runs(3000),
    );
    seen.expectAtLeast({ 200: 150, 404: 150 });
  });

  test('signed form webhook bodies of any shape, JSON or urlencoded: never a 5xx', async () => {
    const keys = fc.oneof(fc.constantFrom(...FORM_FIELDS, 'token', 'whatsappId', 'submissionId'), fc.constantFrom(...TRICKY), fc.string({ maxLength: 10 }));
    const known = fc.oneof(
      fc.nat({ max: ASPIRANTS - 1 }).map((i) => ({ whatsappId: people[i]!.whatsappId })),
      fc.nat({ max: ASPIRANTS - 1 }).map((i) => ({ token: signedToken(t, people[i]!.id) })),
    );
    const jsonBody = fc.oneof(
      // Plausible: a known aspirant and the fields, each maybe wrong.
      fc.tuple(known, formFields, fc.option(anyText)).map(([who, fields, submissionId]) => JSON.stringify({ ...who, ...fields, ...(submissionId === null ? {} : { submissionId }) })),
      objectText(keys, anyJson),
      anyJson.map((value) => JSON.stringify(value) ?? 'null'),
      anyText,
    );
    const delivery = fc.oneof(
      jsonBody.map((body) => ({ body, type: 'application/json' })),
      fc.tuple(known, formPairs).map(([who, pairs]) => ({ body: new URLSearchParams([...Object.entries(who), ...pairs]).toString(), type: 'application/x-www-form-urlencoded' })),
      fc.record({ body: anyText, type: anyContentType }),
    );
    const seen = await fuzzRequests(
      t,
      delivery,
      ({ body, type }) => request('/webhooks/form', { method: 'POST', headers: { 'content-type': type, [SIGNATURE_HEADER]: signFormWebhook(WEBHOOK_SECRET, body) }, body }),
      runs(2500),
    );
    seen.expectAtLeast({ 200: 40, 422: 600, 400: 40 });
  });

  test('unsigned and mis-signed webhook bodies: 401, never a 5xx', async () => {
    const forged = fc.record({ body: anyText, type: anyContentType, signature: fc.option(fc.oneof(fc.stringMatching(/^sha256=[0-9a-f]{64}$/), headerValue)) });
    const seen = await fuzzRequests(
      t,
      forged,
      ({ body, type, signature }) => request('/webhooks/form', { method: 'POST', headers: { 'content-type': type, ...(signature === null ? {} : { [SIGNATURE_HEADER]: signature }) }, body }),
      runs(3000),
    );
    seen.expectAtLeast({ 401: runs(3000) - 100 });
  });

  test('afterwards the server still answers, and once drained nothing was logged at error level', async () => {
    await expectStillServing(t);
    disposed = true;
    await t[Symbol.asyncDispose]();
    expect(errorsLogged(t)).toEqual([]);
  });
});
