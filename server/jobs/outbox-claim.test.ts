/** @module server/jobs/outbox-claim.test — a claim takes due rows in id order, skips busy conversations, and says who opted out since the row was queued. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import { aspirants, conversations, messages, outbox } from '../db/schema';
import { createLogger } from '../logger';
import { createOutboxClaim } from './outbox-claim';

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
});
