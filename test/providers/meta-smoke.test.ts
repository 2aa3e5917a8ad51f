/** @module test/providers/meta-smoke — WHATSAPP_PROVIDER=meta end to end: a signed webhook in, the bot's welcome out through the fake Graph API. */
import { afterEach, expect, test } from 'bun:test';
import { inboundEvents } from '../../server/db/schema';
import { META_ASPIRANT, META_PHONE_NUMBER_ID, metaChange, metaInboundWebhook, metaStatus, metaTextMessage, metaWebhook } from '../../server/whatsapp/meta/fixtures';
import { signMetaBody } from '../../server/whatsapp/meta/signature';
import { testApp, type TestApp } from '../support/app';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';

const SECRET = 'app-secret-'.repeat(3);
const VERIFY = 'verify-token-'.repeat(2);
let fake: FakeGraph | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.[Symbol.asyncDispose]();
  await fake?.stop();
  t = fake = undefined;
});

test('a signed Cloud API webhook is stored and the bot answers through the Graph API', async () => {
  fake = startFakeGraph();
  t = await testApp('pglite', {
    env: {
      PUBLIC_URL: 'https://wasap.test',
      WHATSAPP_PROVIDER: 'meta',
      META_ACCESS_TOKEN: fake.accessToken,
      META_PHONE_NUMBER_ID: fake.phoneNumberId,
      META_APP_SECRET: SECRET,
      META_VERIFY_TOKEN: VERIFY,
      META_GRAPH_URL: fake.url,
      META_API_VERSION: fake.apiVersion,
    },
  });
  expect(fake.phoneNumberId).toBe(META_PHONE_NUMBER_ID);
  const body = JSON.stringify(metaInboundWebhook(metaTextMessage({ body: 'Hola, quiero ser modelo' })));
  const response = await t.request('/webhooks/meta', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(SECRET, body) }, body });
  expect(response.status).toBe(200);
  const [welcome] = await fake.waitForMessages(1);
  // She has a BSUID (every Cloud API webhook carries one): the welcome goes to it, not to a number that can change hands.
  expect(welcome!.body).toMatchObject({ recipient: META_ASPIRANT.bsuid });
  expect(welcome!.body).not.toHaveProperty('to');
  const challenge = await t.request(`/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
  expect(await challenge.text()).toBe('1158201444');
  expect((await t.request('/webhooks/twilio', { method: 'POST', body: 'a=1' })).status).toBe(404);
});

test('a batch of 1,000 statuses (about 100 KB) is taken whole, past the 64 KiB other routes allow; a message id with ":" is refused', async () => {
  fake = startFakeGraph();
  t = await testApp('pglite', {
    env: { WHATSAPP_PROVIDER: 'meta', META_ACCESS_TOKEN: fake.accessToken, META_PHONE_NUMBER_ID: fake.phoneNumberId, META_APP_SECRET: SECRET, META_VERIFY_TOKEN: VERIFY, META_GRAPH_URL: fake.url },
  });
  const statuses = Array.from({ length: 1000 }, (_, i) => metaStatus({ id: `wamid.batch${i}`, status: 'delivered' }));
  const body = JSON.stringify(metaWebhook(metaChange({ statuses })));
  expect(body.length).toBeGreaterThan(96 * 1024);
  const post = (text: string) => t!.request('/webhooks/meta', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(SECRET, text) }, body: text });
  expect((await post(body)).status).toBe(200);
  expect(await t.database.db.$count(inboundEvents)).toBe(1000);
  const colon = JSON.stringify(metaInboundWebhook(metaTextMessage({ body: 'x', id: 'form:1' })));
  expect((await post(colon)).status).toBe(200);
  expect(await t.database.db.$count(inboundEvents)).toBe(1000);
});
