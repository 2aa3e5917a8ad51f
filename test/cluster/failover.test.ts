/** @module test/cluster/failover.test — SIGKILL one of three processes mid-burst: its shards owned again within 5 s, nothing lost, nothing sent twice. */
import { afterAll, describe, expect, test } from 'bun:test';
import { shardOf } from '../../server/cluster/shard';
import { closeClusters, startCluster } from '../support/cluster';
import { explained, leaseOwners, leasesSpread, outOfOrder, phone, sendInOrder, sendsAtTwilio, settledMessages, welcomesSent } from './traffic';

afterAll(closeClusters);

describe('cluster failover', () => {
  test('SIGKILL mid-burst: shards re-owned within 5 s, every acknowledged message stored once in order, no WhatsApp message sent twice', async () => {
    await using cluster = await startCluster({ n: 3 });
    const [n1, n2, n3] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    // n2 holds its share before the burst, so its death leaves shards (and their conversations) to take over.
    const before = await leasesSpread(cluster, [n1.id, n2.id, n3.id], 80);
    const keys = Array.from({ length: 200 }, (_, i) => phone(2, i));
    const orphaned = keys.filter((key) => before.get(shardOf(key)) === n2.id);
    expect(orphaned.length).toBeGreaterThan(30);
    const killed = Promise.withResolvers<number>();
    // A process that refuses (the killed one) is skipped on the retry, as a balancer's next attempt would be.
    const burst = sendInOrder(cluster, {
      keys,
      perConversation: 8,
      concurrency: 48,
      route: (key, seq, attempt) => cluster.nodes[(Number(key.slice(-3)) + seq + attempt) % 3],
      onAck(_ack, count) {
        if (count !== 500) return;
        n2.kill('SIGKILL');
        killed.resolve(performance.now());
      },
    });
    const killedAt = await killed.promise;
    let takeoverMs: number | undefined;
    let acks: Awaited<typeof burst>['acks'] = [];
    let failures: Awaited<typeof burst>['failures'] = [];
    const context = () => ({ takeoverMs, acks: acks.length, failures: failures.slice(0, 8), sends: cluster.twilio.messages.length });
    await explained(cluster, context, async () => {
      // Every shard held again, by a live process, under an unexpired lease.
      await cluster.waitFor('every shard owned by n1 or n3', async () => [...(await leaseOwners(cluster)).values()].every((o) => o === n1.id || o === n3.id), 10_000);
      takeoverMs = performance.now() - killedAt;
      expect(takeoverMs).toBeLessThan(5_000);
      ({ acks, failures } = await burst);
      // Only the killed process refused anything; each of its refusals was sent again elsewhere and acknowledged.
      expect(failures.filter((f) => f.node !== n2.id)).toEqual([]);
      expect(acks.length).toBe(1_600);
      const stored = await settledMessages(cluster, keys, acks.length);
      expect(stored.total).toBe(1_600);
      expect(stored.duplicates).toEqual([]);
      expect(outOfOrder(stored, acks)).toEqual([]);
      // Each conversation got its one welcome once, whichever process sent it or took over an ambiguous send.
      await welcomesSent(cluster, 200);
      const sends = sendsAtTwilio(cluster);
      expect(sends.repeated).toEqual([]);
      const perBody = new Map<string, number>();
      for (const m of cluster.twilio.messages) perBody.set(`${m.to} ${m.body}`, (perBody.get(`${m.to} ${m.body}`) ?? 0) + 1);
      expect([...perBody].filter(([, n]) => n > 1)).toEqual([]);
      expect(sends.welcomes.size).toBe(200);
    });
  });
});
