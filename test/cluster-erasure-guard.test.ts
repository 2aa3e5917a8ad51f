/**
 * An erasure run at a process that does not own the conversation (the owner holds her actor still) remembers the
 * erased ids there; the late outcomes of work in flight arrive at the owner (its media queue and outbox are scoped to
 * owned shards). A file stored after the erasure must go all the same (Law 1581 Art. 15: no file outlives its row):
 * the owner looks the media row up in the actor's turn (and hears the erased ids, relayed).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq, isNull, sql } from 'drizzle-orm';
import { aspirants, inboundEvents, messages } from '../server/db/schema';
import { inbound } from './support/bot';
import { clusterNodes, until, type ClusterNode as Node } from './support/cluster-nodes';

describe.skipIf(!process.env.TEST_DATABASE_URL)('the erasure guard across processes (needs TEST_DATABASE_URL)', () => {
  const cluster = clusterNodes();
  const { nodes } = cluster;
  const startNode = (name: string) => cluster.start(name);
  beforeAll(() => cluster.open());
  afterAll(() => cluster.close());

  async function lateFileAfterErasure(eraser: 'owner' | 'other', phone: string) {
    const [a, b] = nodes as [Node, Node];
    const db = a.database.db;
    expect(a.services.cluster!.owns(phone)).toBe(true);
    await a.services.conversations.acceptInbound(inbound(phone, 'hola'));
    await until(async () => (await db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).length === 0);
    const [message] = await db
      .select()
      .from(messages)
      .where(sql`body = 'hola' and conversation_id = (select c.id from conversations c join aspirants a on a.id = c.aspirant_id where a.whatsapp_id = ${phone})`);
    const [media] = (await db.execute(sql`insert into media (message_id) values (${message!.id}) returning id`)) as unknown as { id: number }[];
    const mediaId = Number((media as { id: number }).id);
    const [aspirant] = await db.select().from(aspirants).where(eq(aspirants.whatsappId, phone));
    // The owner's media queue is downloading her photo meanwhile.
    await (eraser === 'owner' ? a : b).services.retention.erase!(aspirant!.id);
    const key = `late/${phone.slice(1)}.jpg`;
    await a.services.blobs.put(key, new Uint8Array([1, 2, 3]), 'image/jpeg');
    a.services.conversations.tell(phone, { type: 'media.stored', mediaId, messageId: message!.id, kind: 'image', contentType: 'image/jpeg', size: 3, blobKey: key, checksum: 'x' } as never);
    // Handled once the actor answers what was queued before this.
    await a.services.conversations.registry.ask(phone, () => null);
    return a.services.blobs.head(key);
  }

  test('control: erased at the owner, the late file is deleted', async () => {
    await startNode('a');
    await startNode('b');
    expect(await lateFileAfterErasure('owner', '+573100000101')).toBeNull();
  }, 60_000);

  test('erased at another process, the late file is deleted too', async () => {
    expect(await lateFileAfterErasure('other', '+573100000102')).toBeNull();
  }, 60_000);

  test('erased at another process whose relayed ids are lost, the owner still deletes the late file (its media row is gone)', async () => {
    const b = nodes[1]!;
    const relay = b.services.cluster!.relay;
    b.services.cluster!.relay = (topic, payload) => (topic === 'forget' ? undefined : relay(topic, payload));
    try {
      expect(await lateFileAfterErasure('other', '+573100000103')).toBeNull();
    } finally {
      b.services.cluster!.relay = relay;
    }
  }, 60_000);
});
