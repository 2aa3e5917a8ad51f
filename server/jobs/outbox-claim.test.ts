/** @module server/jobs/outbox-claim.test — a claim takes due rows in id order, skips busy conversations, says who opted out since the row was queued, and finds rows in doubt when due. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import { aspirants, conversations, messages, outbox } from '../db/schema';
import { createLogger } from '../logger';
import { createOutboxClaim, IN_DOUBT_POLL_MS } from './outbox-claim';

describe.each(drivers)('outbox claim (%s)', (driver) => {
  test("rows become 'sending' (attempts + 1) in id order; a busy conversation's rows wait; an opted-out aspirant's row says so", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const queued: { id: number; conversationId: number; toNumber: string }[] = [];
    for (const [n, optedOut] of [
      [1, false],
      [2, true],
      [3, false],
    ] as const) {
      const whatsappId = `+57300111220${n}`;
      const [aspirant] = await db
        .insert(aspirants)
        .values({ whatsappId, optedOutAt: optedOut ? new Date() : null })
        .returning();
      const [conversation] = await db.insert(conversations).values({ aspirantId: aspirant!.id }).returning();
      const [message] = await db.insert(messages).values({ conversationId: conversation!.id, sender: 'bot', body: 'Hola', status: 'queued' }).returning();
      const [row] = await db
        .insert(outbox)
        .values({ messageId: message!.id, conversationId: conversation!.id, idempotencyKey: `k${n}`, toNumber: whatsappId, body: 'Hola' })
        .returning();
      queued.push(row!);
    }
    const claims = createOutboxClaim({ db, logger: createLogger('error', () => {}) });

    const claimed = await claims.claim(10, new Set([queued[2]!.conversationId]));

    expect(claimed.map((r) => [r.id, r.state, r.attempts, r.optedOut])).toEqual([
      [queued[0]!.id, 'sending', 1, false],
      [queued[1]!.id, 'sending', 1, true],
    ]);
    expect((await db.select().from(outbox).where(eq(outbox.id, queued[2]!.id)))[0]!.state).toBe('pending');
    expect(await claims.claim(10, new Set())).toMatchObject([{ id: queued[2]!.id, optedOut: false }]);
    expect(await claims.claim(10, new Set())).toEqual([]);
  });

  test("'unconfirmed' rows are leased when this process knows one is due, after a start-up mark, or once per poll interval", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    // Ahead of the real clock: markInDoubt stamps rows with the database's time of now.
    let clock = Date.now() + 1000;
    const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112299' }).returning();
    const rows = [];
    for (const n of [1, 2, 3]) {
      const [conversation] = await db
        .insert(conversations)
        .values({
          aspirantId:
            n === 1
              ? aspirant!.id
              : (
                  await db
                    .insert(aspirants)
                    .values({ whatsappId: `+57300111228${n}` })
                    .returning()
                )[0]!.id,
        })
        .returning();
      const [message] = await db.insert(messages).values({ conversationId: conversation!.id, sender: 'bot', body: 'Hola', status: 'queued' }).returning();
      const [row] = await db
        .insert(outbox)
        .values({ messageId: message!.id, conversationId: conversation!.id, idempotencyKey: `d${n}`, toNumber: '+573001112299', body: 'Hola', state: 'sending', nextAttemptAt: new Date(clock) })
        .returning();
      rows.push(row!);
    }
    const claims = createOutboxClaim({ db, logger: createLogger('error', () => {}), now: () => clock });
    // Start-up: the rows a crash left 'sending' are put in doubt and the next claim leases them (attempts unchanged).
    expect(await claims.markInDoubt()).toBe(3);
    expect((await claims.claim(10, new Set())).map((r) => [r.id, r.state, r.attempts])).toEqual(rows.map((r) => [r.id, 'unconfirmed', 0]));
    // Another process puts one in doubt, due now: not looked for until the poll interval has passed.
    await db
      .update(outbox)
      .set({ nextAttemptAt: new Date(clock) })
      .where(eq(outbox.id, rows[0]!.id));
    clock += IN_DOUBT_POLL_MS - 1;
    expect(await claims.claim(10, new Set())).toEqual([]);
    clock += 1;
    expect((await claims.claim(10, new Set())).map((r) => r.id)).toEqual([rows[0]!.id]);
    /** This process puts a row in doubt, due for its look-up at `at`, and tells the claim so. */
    const putInDoubt = async (row: { id: number }, at: number) => {
      await db
        .update(outbox)
        .set({ nextAttemptAt: new Date(at) })
        .where(eq(outbox.id, row.id));
      claims.inDoubt(new Date(at));
    };
    // This process puts one in doubt, due in 5 s: the first claim from then on leases it, without waiting for the poll.
    await putInDoubt(rows[1]!, clock + 5000);
    clock += 10;
    expect(await claims.claim(10, new Set())).toEqual([]);
    clock += 4990;
    expect((await claims.claim(10, new Set())).map((r) => r.id)).toEqual([rows[1]!.id]);
    // Told of one due in 5 s, then a poll finds nothing yet: the due time is kept, and the claim at it looks again.
    await putInDoubt(rows[2]!, clock + 5000);
    clock += 4500;
    expect(await claims.claim(10, new Set())).toEqual([]);
    clock += 500;
    expect((await claims.claim(10, new Set())).map((r) => r.id)).toEqual([rows[2]!.id]);
    // More due than one claim takes: the next claim looks again at once.
    await db.update(outbox).set({ nextAttemptAt: new Date(clock) });
    clock += IN_DOUBT_POLL_MS;
    expect(await claims.claim(2, new Set())).toHaveLength(2);
    expect(await claims.claim(2, new Set())).toHaveLength(1);
  });
});
