/**
 * @module test/cluster/fencing.test — SIGSTOP one process past its lease, then SIGCONT: once another process took its
 * shards it commits nothing for them (fencing), what it accepts while stale still reaches the new owner, in order.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { closeClusters, clusterSid, startCluster, type ClusterNode } from '../support/cluster';
import { bodyOf, keysIn, leaseOwners, leasesSpread, outOfOrder, sendsAtTwilio, settledMessages, warnings, within, type Ack } from './traffic';

afterAll(closeClusters);

/** The process state letter from /proc (T: stopped). */
function state(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
}

describe('cluster fencing', () => {
  test('a paused process resumed after losing its lease writes nothing under it; its accepted webhooks reach the new owner', async () => {
    await using cluster = await startCluster({ n: 3, audit: true });
    const [n1, n2, n3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const owners = await leasesSpread(cluster, [n1.id, n2.id, n3.id], 80);
    const keys = keysIn(3, 20, (shard) => owners.get(shard) === n2.id);
    const acks: Ack[] = [];
    async function send(node: ClusterNode, key: string, seq: number, sid = clusterSid()): Promise<void> {
      let response = await cluster.webhook(node, key, bodyOf(seq), sid).catch(() => undefined);
      // A refusal is sent again elsewhere, as Twilio's fallback URL or a balancer would.
      if (!response?.ok) response = await cluster.webhook(node === n1 ? n3 : n1, key, bodyOf(seq), sid);
      expect(response.status).toBe(200);
      acks.push({ key, seq, sid, node: node.id });
    }
    // n2 runs these conversations: their actors are in its memory when it stops.
    await Promise.all(keys.map((key, i) => send(i % 2 ? n1 : n3, key, 0)));
    await settledMessages(cluster, keys, 20);
    n2.kill('SIGSTOP');
    await cluster.waitFor('n2 stopped', () => state(n2.pid) === 'T');
    // Webhooks to the stopped process wait in its socket's backlog; it handles them only once resumed.
    const toStale = keys.map((key) =>
      send(n2, key, 2).then(
        () => 'acknowledged',
        (error: unknown) => String(error),
      ),
    );
    await cluster
      .waitFor('n2 shards taken over', async () => [...(await leaseOwners(cluster)).values()].every((o) => o === n1.id || o === n3.id), 15_000)
      .catch(async (error: unknown) => {
        const owners = [...(await leaseOwners(cluster)).values()].reduce<Record<string, number>>((c, o) => ({ ...c, [String(o)]: (c[String(o)] ?? 0) + 1 }), {});
        throw new Error(`${(error as Error).message}: owners now ${JSON.stringify(owners)}; warnings ${JSON.stringify(warnings(cluster))}`);
      });
    await Promise.all(keys.map((key, i) => send(i % 2 ? n3 : n1, key, 1)));
    await settledMessages(cluster, keys, 40);
    n2.kill('SIGCONT');
    expect(await within(20_000, 'answers from the resumed n2', Promise.all(toStale))).toEqual(keys.map(() => 'acknowledged'));
    await within(
      10_000,
      "n2's 'shard lease lost' log line",
      n2.waitForLine((l) => l.includes('shard lease lost')),
    );
    const stored = await settledMessages(cluster, keys, 60);
    expect(stored.total).toBe(60);
    expect(stored.duplicates).toEqual([]);
    // Arrival order: 0 before the pause, 1 acknowledged during it, 2 acknowledged by n2 after it resumed.
    expect(outOfOrder(stored, acks)).toEqual([]);
    // Every committed message and conversation row was written by the process holding its shard's lease then.
    const audit = await cluster.sql<{ tbl: string; row_id: string; writer: string; owner: string | null }[]>`select tbl, row_id, writer, owner from cluster_audit order by id`;
    const writer = (role: string) => role.slice(role.lastIndexOf('_') + 1);
    expect(audit.length).toBeGreaterThanOrEqual(80);
    expect(audit.filter((row) => writer(row.writer) !== row.owner)).toEqual([]);
    expect(sendsAtTwilio(cluster).repeated).toEqual([]);
    expect([...sendsAtTwilio(cluster).welcomes.values()].filter((n) => n !== 1)).toEqual([]);
  });
});
