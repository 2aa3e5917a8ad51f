/** @module test/cluster/harness.test — the cluster harness itself, on one process: signed webhooks, the audit, a restart on the same port, and a clean-up that leaves nothing behind. */
import { afterAll, describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { shardOf } from '../../server/cluster/shard';
import { closeClusters, startCluster, type ClusterNode } from '../support/cluster';
import { outOfOrder, phone, sendInOrder, settledMessages } from './traffic';

afterAll(closeClusters);

describe('cluster harness', () => {
  test('one process: webhooks stored in order, each row audited with its writer and shard, restarted on its port, everything removed on close', async () => {
    const cluster = await startCluster({ n: 1, audit: true });
    const [n1] = cluster.nodes as [ClusterNode];
    const keys = [phone(9, 1), phone(9, 2)];
    const first = await sendInOrder(cluster, { keys, perConversation: 5, concurrency: 2, route: () => n1 });
    expect(first.failures).toEqual([]);
    const stored = await settledMessages(cluster, keys, 10);
    expect(outOfOrder(stored, first.acks)).toEqual([]);
    const audit = await cluster.sql<{ tbl: string; writer: string; shard: number }[]>`select tbl, writer, shard from cluster_audit order by id`;
    // 2 conversations, 10 aspirant messages and 2 welcomes, each written by n1's own role, its shard as shardOf says.
    expect(audit.length).toBe(14);
    expect(new Set(audit.map((row) => row.writer.slice(row.writer.lastIndexOf('_') + 1)))).toEqual(new Set(['n1']));
    expect(new Set(audit.map((row) => row.shard))).toEqual(new Set(keys.map(shardOf)));
    const { url, pid } = n1;
    n1.kill('SIGTERM');
    expect(await n1.exited()).toBe(0);
    expect(await n1.ready()).toBe(false);
    await n1.restart();
    expect(n1.url).toBe(url);
    expect(n1.pid).not.toBe(pid);
    expect((await cluster.webhook(n1, keys[0]!, 'mensaje 0005')).status).toBe(200);
    await settledMessages(cluster, keys, 11);
    expect(n1.lines.filter((line) => line.includes('"msg":"listening"')).length).toBe(2);
    const { databaseUrl } = cluster;
    const name = new URL(databaseUrl).pathname.slice(1);
    await cluster.close();
    expect(n1.running()).toBe(false);
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      expect((await admin`select datname from pg_database where datname = ${name}`).length).toBe(0);
      expect((await admin`select rolname from pg_roles where rolname like ${name + '%'}`).length).toBe(0);
    } finally {
      await admin.end();
    }
    expect(n1.lines.some((line) => line.includes('"level":"error"'))).toBe(false);
  });
});
