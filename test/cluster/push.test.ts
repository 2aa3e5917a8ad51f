/** @module test/cluster/push.test — a recruiter's socket on one process hears, live and in order, a conversation another process owns. */
import { afterAll, describe, expect, test } from 'bun:test';
import { shardOf } from '../../server/cluster/shard';
import { closeClusters, startCluster, type ClusterNode } from '../support/cluster';
import { connect, settled } from '../support/live';
import { bodyOf, keysIn, leaseOwners, leasesSpread, settledMessages, within } from './traffic';

afterAll(closeClusters);

describe('cluster pushes', () => {
  test('a socket on n1 receives the row and message fragments of a conversation owned by n2, written through n3', async () => {
    await using cluster = await startCluster({ n: 3 });
    const [n1, n2, n3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    // Balanced (85 or 86 shards each), so no shard moves while the test runs.
    const owners = await leasesSpread(cluster, [n1.id, n2.id, n3.id], 80);
    const [key] = keysIn(4, 1, (shard) => owners.get(shard) === n2.id) as [string];
    using socket = await connect(n1.url, cluster.admin);
    await settled(socket);
    expect((await cluster.webhook(n3, key, bodyOf(0))).status).toBe(200);
    await settledMessages(cluster, [key], 1);
    const [conversation] = await cluster.sql<{ id: number }[]>`select c.id from conversations c join aspirants a on a.id = c.aspirant_id where a.whatsapp_id = ${key}`;
    const id = Number(conversation!.id);
    // The inbox row of the new conversation reaches the admin's list on n1.
    await within(
      10_000,
      'the conversation row on n1',
      socket.frame((data) => data.includes(`id="conv-row-${id}"`)),
    );
    socket.send({ type: 'viewing', conversationId: id });
    await settled(socket);
    for (let seq = 1; seq <= 3; seq++) expect((await cluster.webhook(n3, key, bodyOf(seq))).status).toBe(200);
    await settledMessages(cluster, [key], 4);
    const rows = await cluster.sql<{ id: string; body: string }[]>`select m.id, m.body from messages m where m.conversation_id = ${id} and m.sender = 'aspirant' order by m.id`;
    const later = rows.slice(1).map((r) => Number(r.id));
    for (const messageId of later)
      await within(
        10_000,
        `msg-${messageId} on n1`,
        socket.frame((data) => data.includes(`id="msg-${messageId}"`)),
      );
    // In commit order: each message's fragment arrives after the one before it.
    const firstSeen = later.map((messageId) => socket.received.findIndex((data) => data.includes(`id="msg-${messageId}"`)));
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    expect(socket.received.find((data) => data.includes(`id="msg-${later[2]}"`))).toContain(bodyOf(3));
    // The conversation stayed n2's throughout: n1 pushed what another process committed.
    expect((await leaseOwners(cluster)).get(shardOf(key))).toBe(n2.id);
  });
});
