/** @module server/db/parked-status.test — parked status callbacks are found by their sid through an index, not by scanning the backlog. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { freshPostgresUrl } from '../../test/support/db';
import { openDatabase } from './client';
import { parkedStatusEvents, parkedStatusQuery } from './conversation-store';
import { inboundEvents } from './schema';

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn('server/db/parked-status.test: skipped — set TEST_DATABASE_URL to a Postgres server to run it (CI does).');

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
}

describe.skipIf(!url)('parked status lookup on Postgres (needs TEST_DATABASE_URL)', () => {
  test('with thousands of unprocessed messages waiting, the lookup by sid uses the partial index and finds only its callback', async () => {
    const fresh = await freshPostgresUrl(url);
    const database = await openDatabase({ databaseUrl: fresh.url, maxConnections: 2 });
    try {
      await database.migrate();
      const { db } = database;
      // A burst's backlog: unprocessed inbound messages, and one status callback parked for a sid not yet recorded.
      const backlog = Array.from({ length: 5000 }, (_, i) => ({
        providerSid: `SM${String(i).padStart(32, '0')}`,
        kind: 'message',
        conversationKey: `+5730${String(i).padStart(8, '0')}`,
        payload: { event: { type: 'inbound.received', messageSid: `SM${String(i).padStart(32, '0')}` } },
      }));
      for (let i = 0; i < backlog.length; i += 1000) await db.insert(inboundEvents).values(backlog.slice(i, i + 1000));
      const parkedSid = `SM${'f'.repeat(32)}`;
      await db.insert(inboundEvents).values({ providerSid: `${parkedSid}:delivered`, kind: 'status', conversationKey: '+573000000001', payload: { event: { type: 'status.received', messageSid: parkedSid, status: 'delivered' } } });
      await db.execute(sql`analyze inbound_events`);

      const found = await parkedStatusEvents(db, [parkedSid, `SM${'e'.repeat(32)}`]);
      expect(found.map((row) => row.providerSid)).toEqual([`${parkedSid}:delivered`]);

      // EXPLAIN the very query the lookup runs, its parameters written in as literals.
      const query = parkedStatusQuery(db, [parkedSid]).toSQL();
      const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => `'${String(query.params[Number(n) - 1])}'`);
      const plan = rowsOf(await db.execute(sql.raw(`explain ${text}`))).map((r) => String(r['QUERY PLAN'])).join('\n');
      expect(plan).toContain('inbound_events_parked_status_idx');
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
