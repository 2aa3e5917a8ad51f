/**
 * Claims of a process that lost its shard without knowing it: its late "give back" (after the send pace's wait)
 * names its own claim (the attempt number), so it cannot undo the new owner's claim of the same row — which would
 * have sent it twice; and a row such a process claimed and never gave back (it died) is found by the new owner's
 * look for stranded rows, not left 'sending' for good.
 */
import { expect, test } from 'bun:test';
import { eq, sql } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { createLogger } from '../logger';
import { createOutboxClaim } from './outbox-claim';
import { recordSent } from './outbox-ledger';

const ALL_SHARDS = Array.from({ length: 256 }, (_, s) => s);

async function queueRow(db: Db): Promise<void> {
  const key = '+573000000001';
  await db.execute(sql`with a as (insert into aspirants (whatsapp_id, phone) values (${key}, ${key}) returning id),
    c as (insert into conversations (aspirant_id) select id from a returning id),
    m as (insert into messages (conversation_id, sender, body, status) select id, 'recruiter', 'hola', 'queued' from c returning id, conversation_id)
    insert into outbox (message_id, conversation_id, idempotency_key, to_number, body) select id, conversation_id, 'idem-1', ${key}, 'hola' from m`);
}

test("a stale process's unclaim after the pace does not undo the new owner's claim (no second send)", async () => {
  await using database = await testDatabase('pglite');
  const { db } = database;
  await queueRow(db);
  const logger = createLogger('silent');
  let aOwns = true;
  const a = createOutboxClaim({ db, logger, owned: () => (aOwns ? ALL_SHARDS : []) });
  const c = createOutboxClaim({ db, logger, owned: () => ALL_SHARDS });

  // A claims the row; its send waits in the pace (20 s with 100 rows at 5/s).
  const [rowA] = await a.claim(10, new Set());
  expect(rowA!.state).toBe('sending');
  // Meanwhile the shard moves to C: adopted, looked up after the provider timeout (not found: A never sent), queued again.
  aOwns = false;
  await c.adopt(ALL_SHARDS, 0);
  await db
    .update(outbox)
    .set({ state: 'pending', nextAttemptAt: new Date(Date.now() - 1000) })
    .where(eq(outbox.state, 'unconfirmed'));
  // C claims it for its own send.
  const [rowC] = await c.claim(10, new Set());
  expect(rowC?.id).toBe(rowA!.id);
  expect(rowC!.state).toBe('sending');

  // A's pace is over: mayCall says no, so A gives the row back (outbox-send: `return options.unclaim?.(row)`).
  await a.unclaim(rowA!);

  // C's request was accepted by the provider: its sid must be recorded, and the row must not be pending again.
  const [mine] = await recordSent(db, [{ id: rowC!.id, sid: 'SMfromC' }]);
  const [after] = await db.select().from(outbox);
  expect(mine).toBe(true);
  expect(after!.state).toBe('sent');
});

test("a row a stale process claims after the new owner's adoption, and never gives back (it died), is not left 'sending' for good", async () => {
  await using database = await testDatabase('pglite');
  const { db } = database;
  await queueRow(db);
  const logger = createLogger('silent');
  let t = Date.now();
  const c = createOutboxClaim({ db, logger, owned: () => ALL_SHARDS, now: () => t });
  // C has taken the shard over and adopted what was 'sending' (nothing yet).
  await c.adopt(ALL_SHARDS, 0);
  // A, paused past its lease and not yet aware, claims with its old list of shards, then dies before its pace ends.
  const a = createOutboxClaim({ db, logger, owned: () => ALL_SHARDS });
  const [rowA] = await a.claim(10, new Set());
  expect(rowA!.state).toBe('sending');
  // C goes on claiming for a long while (its in-doubt look-ups included): the row is never looked at again.
  for (let i = 0; i < 5; i++) {
    t += 10 * 60_000;
    await db.execute(sql`update outbox set attempted_at = attempted_at - interval '10 minutes'`);
    await c.claim(10, new Set());
  }
  const [after] = await db.select().from(outbox);
  expect(after!.state).not.toBe('sending');
});
