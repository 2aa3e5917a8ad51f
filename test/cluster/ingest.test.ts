/** @module test/cluster/ingest.test — 5,000 signed webhooks over 500 conversations and three processes: each stored once, in arrival order. */
import { afterAll, describe, expect, test } from 'bun:test';
import { closeClusters, startCluster } from '../support/cluster';
import { outOfOrder, phone, sendInOrder, sendsAtTwilio, settledMessages, warnings, welcomesSent } from './traffic';

afterAll(closeClusters);

describe('cluster ingest', () => {
  test('5,000 webhooks over 500 conversations spread over 3 processes: every message stored once, each conversation in arrival order', async () => {
    await using cluster = await startCluster({ n: 3 });
    const keys = Array.from({ length: 500 }, (_, i) => phone(1, i));
    // Each conversation's messages go to every process in turn, so its order holds only if the owner orders them.
    const { acks, failures } = await sendInOrder(cluster, {
      keys,
      perConversation: 10,
      concurrency: 64,
      route: (key, seq, attempt) => cluster.nodes[(Number(key.slice(-3)) + seq + attempt) % 3],
    });
    // A 503 is the server saying it could not store the message in time (here: the machine's cores starved by other
    // work), which a provider retries and which this client retried: allowed, but rare. Anything else fails the test
    // with the processes' warnings beside it.
    const refused = failures.filter((f) => !f.failure.startsWith('HTTP 503'));
    expect({ failures: refused.slice(0, 5), warnings: refused.length ? warnings(cluster) : {} }).toEqual({ failures: [], warnings: {} });
    expect(failures.length).toBeLessThanOrEqual(50);
    expect(acks.length).toBe(5_000);
    for (const node of cluster.nodes) expect(acks.filter((a) => a.node === node.id).length).toBeGreaterThan(1_500);
    const stored = await settledMessages(cluster, keys, 5_000);
    expect(stored.total).toBe(5_000);
    expect(stored.duplicates).toEqual([]);
    expect(outOfOrder(stored, acks)).toEqual([]);
    // One conversation per number, and one welcome each at Twilio: no conversation ran in two processes.
    const [conversations] = await cluster.sql<{ n: string }[]>`select count(*) as n from conversations`;
    expect(Number(conversations!.n)).toBe(500);
    await welcomesSent(cluster, 500);
    const sends = sendsAtTwilio(cluster);
    expect(sends.repeated).toEqual([]);
    expect([...sends.welcomes.values()].filter((n) => n !== 1)).toEqual([]);
  });
});
