/**
 * @module test/cluster-status.test — GET /api/admin/cluster and `wasap cluster status`: an embedded install answers
 * "single process" (through the API and offline); on Postgres the route and the command (through the API, and straight
 * from DATABASE_URL) show the processes, shards per process, lease times and lagging shards written to the tables.
 */
import { ensureShardRows } from '../server/cluster/leases';
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { duration, singleProcessText } from '../cli/cluster';
import { shardOf } from '../server/cluster/shard';
import { SINGLE_STATUS } from '../server/cluster/status';
import type { Db } from '../server/db/client';
import { clusterNodes, inboundEvents } from '../server/db/schema';
import { createApiToken } from '../server/services/api-tokens';
import { testApp, type TestApp } from './support/app';
import { wasap } from './support/cli';
import { listen } from './support/listen';
import { tempDir } from './support/temp';

async function get(t: TestApp, token?: string) {
  const response = await t.request('/api/admin/cluster', token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function keyIn(shard: number): string {
  for (let i = 0; ; i++) if (shardOf(`+5731${String(i).padStart(8, '0')}`) === shard) return `+5731${String(i).padStart(8, '0')}`;
}

/** Two processes — this app's node (alive, 3 shards) and one gone silent whose 2 leases lapsed — and one lagging shard. */
async function seed(db: Db, self: string) {
  await db.insert(clusterNodes).values({ id: self, host: 'here', pid: 4242, url: 'http://127.0.0.1:1' });
  await db.execute(sql`insert into cluster_nodes (id, host, pid, heartbeat_at) values ('gone:1', 'there', 7, now() - interval '1 minute')`);
  await db.execute(sql`update shard_leases set owner = ${self}, expires_at = now() + interval '1 minute' where shard in (3, 4, 5)`);
  await db.execute(sql`update shard_leases set owner = 'gone:1', expires_at = now() - interval '30 seconds' where shard in (8, 9)`);
  await db.insert(inboundEvents).values({ providerSid: 'SMlag', kind: 'message', conversationKey: keyIn(8), payload: {}, receivedAt: new Date(Date.now() - 45_000) });
}

describe('cluster status on the embedded database', () => {
  test('the route wants an admin credential and answers mode single; the command says so, and what a cluster needs, online or not', async () => {
    await using t = await testApp('pglite', { noStart: true });
    expect((await get(t)).status).toBe(401);
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    expect(await get(t, token)).toEqual({ status: 200, json: { ...SINGLE_STATUS, answeredBy: t.config.cluster.nodeId } });
    await using server = listen(t);
    const online = await wasap(['cluster', 'status'], { WASAP_URL: server.url, WASAP_API_TOKEN: token });
    expect(online).toEqual({ code: 0, out: singleProcessText(server.url), err: '' });
    expect(online.out).toStartWith(`single process: the server at ${server.url} uses the embedded database`);
    using data = tempDir();
    const offline = await wasap(['cluster', 'status'], { WASAP_DATA_DIR: data.path });
    expect(offline).toEqual({ code: 0, out: singleProcessText(undefined), err: '' });
    // What cluster mode needs, and how to point the command at one.
    expect(offline.out).toStartWith('single process: no DATABASE_URL here');
    expect(offline.out).toContain('DATABASE_URL set to one Postgres database, the same for every server process');
    expect(offline.out).toContain('run this command with that same DATABASE_URL, or with WASAP_URL and WASAP_API_TOKEN');
    expect(JSON.parse((await wasap(['cluster', 'status', '--json'], { WASAP_DATA_DIR: data.path })).out)).toEqual(SINGLE_STATUS);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('cluster status on Postgres', () => {
  test('route and command show processes, shards, lease times and the lagging shard', async () => {
    // Not started: nothing but the rows written here is in the cluster tables.
    await using t = await testApp('postgres', { noStart: true });
    await ensureShardRows(t.database.db);
    const self = t.config.cluster.nodeId;
    await seed(t.database.db, self);
    const { token } = await createApiToken(t.database.db, 'ci', 'test');
    const { status, json } = await get(t, token);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      mode: 'cluster',
      answeredBy: self,
      shards: { total: 256, owned: 3, expired: 2, unowned: 251 },
      // Oldest start first.
      nodes: [
        { id: self, host: 'here', pid: 4242, url: 'http://127.0.0.1:1', shards: 3, alive: true, draining: false },
        { id: 'gone:1', host: 'there', pid: 7, shards: 0, alive: false, draining: false },
      ],
      lagging: [{ shard: 8, owner: null, unprocessed: 1 }],
      laggingTotal: 1,
    });

    await using server = listen(t);
    const online = await wasap(['cluster', 'status'], { WASAP_URL: server.url, WASAP_API_TOKEN: token });
    expect({ code: online.code, err: online.err }).toEqual({ code: 0, err: '' });
    const lines = online.out.split('\n');
    expect(lines[0]).toStartWith('1 process alive (1 not heard from, removed a minute and a lease after its last heartbeat); 256 shards: 3 owned, 2 with a lapsed lease, 251 unowned (database time ');
    expect(lines.find((l) => l.startsWith(`${self} *`))).toMatch(/here\s+4242\s+http:\/\/127\.0\.0\.1:1\s+.+\s+3\s+\d+\.\d s – \d+\.\d s\s+alive$/);
    expect(lines.find((l) => l.startsWith('gone:1'))).toMatch(/there\s+7\s+-\s+.+min ago\s+0\s+-30\.\d s – -30\.\d s\s+not alive \(no heartbeat\)$/);
    expect(online.out).toContain('1 lagging shard (oldest unprocessed event older than 5.0 s):\n');
    expect(lines.find((l) => l.startsWith('8 '))).toMatch(/^8\s+\(none\)\s+1\s+4\d\.\d s$/);

    // Straight from DATABASE_URL (no server named): the same figures, no process marked as the one answering.
    const offline = await wasap(['cluster', 'status', '--json'], { DATABASE_URL: t.database.url!, WASAP_DATA_DIR: t.config.dataDir });
    expect(offline.code).toBe(0);
    const parsed = JSON.parse(offline.out) as Record<string, unknown>;
    expect(parsed).toMatchObject({ mode: 'cluster', shards: { owned: 3, expired: 2, unowned: 251 }, laggingTotal: 1 });
    expect(parsed.answeredBy).toBeUndefined();
  });
});

test('durations read as a person would say them', () => {
  expect([850, 2_100, 192_000, 7_200_000, -4_000].map(duration)).toEqual(['850 ms', '2.1 s', '3.2 min', '2.0 h', '-4.0 s']);
});
