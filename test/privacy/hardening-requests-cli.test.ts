/**
 * @module test/privacy/hardening-requests-cli.test — `wasap requests list` prints its table through the running server
 * (where the client turns ISO dates into Dates): one row per open request with its day due and flags, and the closed
 * ones with --all; it once crashed with "text.replace is not a function".
 */
import { expect, test } from 'bun:test';
import { aspirants } from '../../server/db/schema';
import { openRequest, resolve } from '../../server/privacy/requests';
import { createApiToken } from '../../server/services/api-tokens';
import { testApp } from '../support/app';
import { wasap } from '../support/cli';
import { listen } from '../support/listen';

test('wasap requests list prints the open requests as a table, and --all the closed ones', async () => {
  await using t = await testApp();
  const { db } = t.database;
  await using server = listen(t);
  const { token } = await createApiToken(db, 'test', 'test');
  const env = { WASAP_URL: server.url, WASAP_API_TOKEN: token };
  const [her] = await db.insert(aspirants).values({ whatsappId: '+573007700001', firstName: 'Lucía' }).returning();
  const at = new Date();
  const claim = (await openRequest(db, { aspirantId: her!.id, right: 'erasure', channel: 'form', receivedAt: at })).row;
  const query = (await openRequest(db, { aspirantId: her!.id, right: 'access', channel: 'form', receivedAt: at })).row;
  const done = (await openRequest(db, { aspirantId: her!.id, right: 'proof', channel: 'form', receivedAt: at })).row;
  await resolve(db, done.id, { status: 'done', resolution: 'Enviada', actor: { label: 'cli' }, now: at });

  const listed = await wasap(['requests', 'list'], env);
  expect(listed).toMatchObject({ code: 0, err: '' });
  const rows = listed.out.split('\n').filter((line) => /^\d+\s/.test(line));
  expect(rows.map((line) => line.split(/\s{2,}/).slice(0, 4)).sort()).toEqual(
    [
      [String(claim.id), 'erasure', 'claim', 'received'],
      [String(query.id), 'access', 'query', 'received'],
    ].sort(),
  );
  expect(listed.out).toContain(claim.dueOn);
  expect(listed.out).toContain(`TAG BY ${claim.tagDueOn}`);
  expect(listed.out).not.toContain('GMT');

  const all = await wasap(['requests', 'list', '--all'], env);
  expect(all).toMatchObject({ code: 0, err: '' });
  expect(all.out).toContain('closed:');
  expect(all.out.split('closed:')[1]).toMatch(new RegExp(`^${done.id}\\s+proof\\s+query\\s+done`, 'm'));
});
