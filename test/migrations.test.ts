/** @module test/migrations.test — one migrations folder applies to PGlite and Postgres, and re-running is a no-op. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../server/db/rows';
import { drivers, testDatabase } from './support/db';

const TABLES = [
  'api_tokens',
  'aspirants',
  'audit_log',
  'bot_scripts',
  'canned_responses',
  'conversation_events',
  'conversations',
  'dead_letters',
  'form_submissions',
  'inbound_events',
  'media',
  'messages',
  'notes',
  'outbox',
  'push_subscriptions',
  'sessions',
  'timers',
  'users',
];

describe.each(drivers)('migrations on %s', (driver) => {
  test('create every table and the named indexes; applying again changes nothing', async () => {
    await using database = await testDatabase(driver);
    const before = await database.migrationStatus();
    expect(before.pending).toEqual([]);
    await database.migrate();
    await database.migrate();
    expect(await database.migrationStatus()).toEqual(before);
    const tables = rowsOf<{ table_name: string }>(await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`)).map(
      (row) => row.table_name,
    );
    expect(tables).toEqual(TABLES);
    const indexes = rowsOf<{ indexname: string }>(await database.db.execute(sql`select indexname from pg_indexes where schemaname = 'public'`)).map((r) => r.indexname);
    for (const name of ['inbound_events_provider_sid_key', 'conversations_inbox_idx', 'messages_conversation_history_idx', 'outbox_due_idx', 'timers_due_idx', 'inbound_events_parked_status_idx']) {
      expect(indexes).toContain(name);
    }
  });

  test('a duplicate provider message id is refused by the database itself', async () => {
    await using database = await testDatabase(driver);
    const insert = sql`insert into inbound_events (provider_sid, kind, conversation_key, payload) values ('SM1', 'message', '+573001112233', '{}')`;
    await database.db.execute(insert);
    let failed = false;
    await database.db.execute(insert).catch(() => (failed = true));
    expect(failed).toBe(true);
  });
});
