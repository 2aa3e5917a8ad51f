/** @module test/doctor-meta.test — `wasap doctor` checks Meta's Cloud API credentials when WHATSAPP_PROVIDER=meta. */
import { afterEach, expect, test } from 'bun:test';
import { wasap } from './support/cli';
import { startFakeGraph, type FakeGraph } from './support/fake-graph';
import { tempDir } from './support/temp';

let fake: FakeGraph | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function metaEnv(graph: FakeGraph, dataDir: string, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WASAP_DATA_DIR: dataDir,
    META_ACCESS_TOKEN: token,
    META_PHONE_NUMBER_ID: graph.phoneNumberId,
    META_APP_SECRET: 'app-secret-'.repeat(3),
    META_VERIFY_TOKEN: 'verify-token-'.repeat(2),
    META_GRAPH_URL: graph.url,
    META_API_VERSION: graph.apiVersion,
    ...extra,
  };
}

test('doctor asks the Graph API for the business number: reachable with the right token, a clear failure without it', async () => {
  fake = startFakeGraph();
  using data = tempDir();
  await wasap(['migrate'], { WASAP_DATA_DIR: data.path });
  const good = await wasap(['doctor'], metaEnv(fake, data.path, fake.accessToken, { META_WABA_ID: fake.wabaId }));
  expect(good.out).toMatch(/^ok {4}whatsapp {7}Meta Cloud API reachable, business number \+1 555-078-3881/m);
  const noWaba = await wasap(['doctor'], metaEnv(fake, data.path, fake.accessToken));
  expect(noWaba.out).toMatch(/^WARN {2}whatsapp {7}.*META_WABA_ID unset/m);
  const bad = await wasap(['doctor'], metaEnv(fake, data.path, 'not-the-token'));
  expect(bad.out).toMatch(/^FAIL {2}whatsapp {7}Meta refused the token \(HTTP 401\): check META_ACCESS_TOKEN/m);
  expect(bad.out).not.toContain('not-the-token');
});
