/**
 * The outbox with several processes: the lease is asked right before each request, after the send pace's wait (a
 * row that waited while its shard moved goes back unsent), and a row adopted from a previous owner is looked up only
 * once a send that owner began before the takeover can no longer be answered — counted from the takeover, not from
 * the old claim (which may be long before the send began).
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import type { OutboxSender } from '../whatsapp/port';
import { createOutboxQueue } from './outbox';
import { createJobRunner } from './runner';

const ALL_SHARDS = Array.from({ length: 256 }, (_, s) => s);

async function queueRows(db: Db, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const key = `+57300000000${i}`;
    await db.execute(sql`with a as (insert into aspirants (whatsapp_id, phone) values (${key}, ${key}) returning id),
      c as (insert into conversations (aspirant_id) select id from a returning id),
      m as (insert into messages (conversation_id, sender, body, status) select id, 'recruiter', ${`hola ${i}`}, 'queued' from c returning id, conversation_id)
      insert into outbox (message_id, conversation_id, idempotency_key, to_number, body) select id, conversation_id, ${`idem-${i}`}, ${key}, ${`hola ${i}`} from m`);
  }
}

function queue(db: Db, sender: OutboxSender, owns: () => boolean) {
  const runner = createJobRunner({ logger: createLogger('silent'), metrics: createMetrics() });
  const q = createOutboxQueue(runner, {
    db,
    sender,
    notify() {},
    logger: createLogger('silent'),
    metrics: createMetrics(),
    // One send a second: the second row waits about a second in the pace.
    maxMps: 1,
    pollMs: 0,
    sendTimeoutMs: 8000,
    cluster: { owned: () => (owns() ? ALL_SHARDS : []), mayCall: async () => (owns() ? 'yes' : 'no') },
  });
  return { runner, q };
}

describe('the outbox across processes', () => {
  test('a row that waited in the send pace while its shard moved is not sent: it goes back pending, unsent', async () => {
    await using database = await testDatabase('pglite');
    const { db } = database;
    await queueRows(db, 2);
    let owns = true;
    const sent: string[] = [];
    const sender: OutboxSender = {
      async send(message) {
        sent.push(message.idempotencyKey!);
        // The shard moves while the next row waits for its slot.
        owns = false;
        return { sid: `SM${sent.length}`, status: 'queued' };
      },
    };
    const { runner, q } = queue(db, sender, () => owns);
    expect(await q.runOnce()).toBe(2);
    await q.idle();
    expect(sent).toEqual(['idem-0']);
    const rows = await db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => [r.idempotencyKey, r.state])).toEqual([
      ['idem-0', 'sent'],
      ['idem-1', 'pending'],
    ]);
    expect(rows[1]!.attempts).toBe(0);
    await runner.stop();
  });

  test("adopted 'sending' rows are looked up after the provider's timeout counted from the takeover, however old their claim", async () => {
    await using database = await testDatabase('pglite');
    const { db } = database;
    await queueRows(db, 1);
    await db.update(outbox).set({ state: 'sending', attemptedAt: new Date(Date.now() - 60 * 60_000) });
    const { runner, q } = queue(db, { send: async () => ({ sid: 'SMx', status: 'queued' }) }, () => true);
    const before = Date.now();
    await q.adopt(ALL_SHARDS);
    const [row] = await db.select().from(outbox);
    expect(row!.state).toBe('unconfirmed');
    // sendTimeoutMs 8000 + 2000: not due before ten seconds from the takeover.
    expect(row!.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 10_000 - 1000);
    await runner.stop();
  });
});
