/** @module server/jobs/outbox-ledger.test — sends that finish together are recorded in one statement, each only from a state in doubt. */
import { describe, expect, test } from 'bun:test';
import { inArray } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import { aspirants, conversations, messages, outbox } from '../db/schema';
import { giveUpPolicy, recordSent } from './outbox-ledger';

describe.each(drivers)('recording sends (%s)', (driver) => {
  test('rows in doubt become sent with their sid; a row an earlier attempt recorded with the same sid counts; any other does not move', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const [aspirant] = await db.insert(aspirants).values({ whatsappId: '+573001112233' }).returning();
    const [conversation] = await db.insert(conversations).values({ aspirantId: aspirant!.id }).returning();
    const states = ['sending', 'unconfirmed', 'sent', 'sent', 'failed', 'pending'] as const;
    const rows = [];
    for (const [i, state] of states.entries()) {
      const [message] = await db
        .insert(messages)
        .values({ conversationId: conversation!.id, sender: 'bot', body: `m${i}`, status: 'queued' })
        .returning();
      const [row] = await db
        .insert(outbox)
        .values({ messageId: message!.id, conversationId: conversation!.id, idempotencyKey: `k${i}`, toNumber: '+573001112233', body: `m${i}`, state, providerSid: state === 'sent' ? `SM${i}` : null })
        .returning();
      rows.push(row!);
    }
    // Rows 2 and 3 were recorded before: row 2 with the sid now reported (an answer lost), row 3 with another one.
    const outcome = await recordSent(
      db,
      rows.map((row, i) => ({ id: row.id, sid: i === 3 ? 'SMother' : `SM${i}` })),
    );

    expect(outcome).toEqual([true, true, true, false, false, false]);
    const after = await db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(rows.map((r) => [byId.get(r.id)!.state, byId.get(r.id)!.providerSid])).toEqual([
      ['sent', 'SM0'],
      ['sent', 'SM1'],
      ['sent', 'SM2'],
      ['sent', 'SM3'],
      ['failed', null],
      ['pending', null],
    ]);
    expect(byId.get(rows[0]!.id)!.sentAt).toBeInstanceOf(Date);
  });
});

describe('the give-up reason', () => {
  const row = { attempts: 3 } as Parameters<ReturnType<typeof giveUpPolicy>['gaveUp']>[0];
  test('names the provider and keeps the last cause without its "will be retried" tail, in either provider\'s words', () => {
    expect(giveUpPolicy(3_600_000, 'Meta').gaveUp(row, "Meta did not answer in time: the message will be checked against Meta's status webhooks, then retried if it did not go out")).toBe(
      'Not sent: Meta could not take it in 3 attempt(s) over 1 h (last: Meta did not answer in time)',
    );
    expect(giveUpPolicy(3_600_000, 'Twilio').gaveUp(row, 'Twilio did not answer in time: the message will be checked with Twilio, then retried if it did not arrive')).toBe(
      'Not sent: Twilio could not take it in 3 attempt(s) over 1 h (last: Twilio did not answer in time)',
    );
  });
});
