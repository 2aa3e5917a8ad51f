/** @module test/admin-api.test — the admin API under concurrent publishes and activations, and its answers to malformed references. */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { botScripts } from '../server/db/schema';
import { createApiToken } from '../server/services/api-tokens';
import { DEFAULT_SCRIPT_FILE } from '../server/services/bot-scripts';
import { testApp, type TestApp } from './support/app';
import { drivers } from './support/db';

const SCRIPT = readFileSync(DEFAULT_SCRIPT_FILE, 'utf8');
const GREETING = 'Qué alegría que nos escribas.';
const CONCURRENT = 8;

function variant(i: number): string {
  const body = SCRIPT.replace(GREETING, `Qué alegría, variante ${i}.`);
  if (body === SCRIPT) throw new Error('the shipped script no longer has the greeting this test edits');
  return body;
}

async function api(t: TestApp, token: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit = { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
  const response = await t.request(`/api/admin${path}`, body === undefined ? init : { ...init, method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe.each(drivers)('admin API on %s', (driver) => {
  test('concurrent publishes of different bodies all succeed, each with its own next version', async () => {
    await using t = await testApp(driver);
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => api(t, token, '/bot/scripts', { body: variant(i) })));
    expect(answers.map((a) => a.status)).toEqual(Array(CONCURRENT).fill(200));
    expect(answers.map((a) => a.json.version as number).sort((a, b) => a - b)).toEqual(Array.from({ length: CONCURRENT }, (_, i) => i + 2));
    const rows = await t.database.db.select({ version: botScripts.version }).from(botScripts).where(eq(botScripts.name, 'intake'));
    expect(rows).toHaveLength(CONCURRENT + 1);
  });

  test('concurrent publishes of one body store it once; concurrent activations leave exactly one active version', async () => {
    await using t = await testApp(driver);
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    const same = await Promise.all(Array.from({ length: CONCURRENT }, () => api(t, token, '/bot/scripts', { body: variant(0) })));
    expect(same.map((a) => [a.status, a.json.ref])).toEqual(Array(CONCURRENT).fill([200, 'intake@2']));
    expect(same.filter((a) => a.json.created)).toHaveLength(1);
    await api(t, token, '/bot/scripts', { body: variant(1) });
    const refs = Array.from({ length: CONCURRENT }, (_, i) => `intake@${(i % 3) + 1}`);
    const activations = await Promise.all(refs.map((ref) => api(t, token, '/bot/activate', { ref })));
    expect(activations.map((a) => a.status)).toEqual(Array(CONCURRENT).fill(200));
    const active = await t.database.db.select({ version: botScripts.version }).from(botScripts).where(eq(botScripts.active, true));
    expect(active).toHaveLength(1);
  });
});

describe('admin API references', () => {
  test('a percent sign or a broken escape in a reference is 400, an escaped @ still reaches the script', async () => {
    await using t = await testApp();
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    for (const ref of ['%25', '%E0%A4%A', '%', 'intake%zz']) {
      const { status, json } = await api(t, token, `/bot/scripts/${ref}`);
      expect({ ref, status, code: (json.error as { code: string }).code }).toEqual({ ref, status: 400, code: expect.stringMatching(/^(MALFORMED_URL|SCRIPT_REF_INVALID)$/) });
    }
    expect((await api(t, token, '/bot/scripts/intake%401')).json).toMatchObject({ ref: 'intake@1', active: true });
  });
});
