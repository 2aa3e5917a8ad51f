/** @module server/whatsapp/meta-provider.test — a send whose BSUID look-up fails never reaches Meta and is a plain retry, not a send in doubt. */
import { expect, test } from 'bun:test';
import type { Db } from '../db/client';
import { createMetaProvider } from './meta-provider';

test('the database failing before a send: nothing reaches the Graph API, and the failure is retryable, not ambiguous', async () => {
  const requests: string[] = [];
  const server = Bun.serve({ port: 0, fetch: (request) => (requests.push(request.url), Response.json({ messages: [{ id: 'wamid.x' }] })) });
  try {
    const failing = {
      select: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    } as unknown as Db;
    const provider = createMetaProvider({
      meta: { accessToken: 'tok', phoneNumberId: '123', appSecret: 's'.repeat(16), verifyToken: 'v'.repeat(16), graphUrl: server.url.origin, apiVersion: 'v26.0', maxMps: 80, timeoutMs: 1000 },
      db: failing,
      mediaMaxBytes: 1024,
    });
    const sent = provider.send({ to: '+573001234567', body: 'Hola', idempotencyKey: 'k1' });
    await expect(sent).rejects.toMatchObject({ permanent: false, ambiguous: false });
    expect(requests).toEqual([]);
  } finally {
    server.stop(true);
  }
});
