/** @module test/migrations.test — one migrations folder applies to PGlite and Postgres, and re-running is a no-op; 0007's, 0009's, 0015's and 0017's backfills. */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { migrationsFolder } from '../server/db/migrate';
import { rowsOf } from '../server/db/rows';
import { drivers, testDatabase } from './support/db';
import { foldersUpTo, partlyMigrated } from './support/migrations';

const TABLES = [
  'api_tokens',
  'aspirants',
  'audit_log',
  'blob_deletions',
  'bot_scripts',
  'canned_responses',
  'cluster_commands',
  'cluster_nodes',
  'consents',
  'conversation_events',
  'conversations',
  'data_subject_requests',
  'dead_letters',
  'erased_subjects',
  'form_submissions',
  'guardians',
  'inbound_events',
  'install_settings',
  'media',
  'messages',
  'notes',
  'outbox',
  'privacy_notices',
  'push_subscriptions',
  'rate_limit_hits',
  'read_audit',
  'sessions',
  'shard_leases',
  'templates',
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
    for (const name of [
      'inbound_events_provider_sid_key',
      'conversations_inbox_idx',
      'conversations_waiting_idx',
      'messages_conversation_history_idx',
      'outbox_due_idx',
      'timers_due_idx',
      'inbound_events_parked_status_idx',
      'data_subject_requests_open_right_key',
    ]) {
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

describe.each(drivers)('0007_waiting_since on %s', (driver) => {
  test("backfills who waits: her first message after our side's last one, in whole milliseconds; opt-out words and opted-out aspirants wait for nobody", async () => {
    using before = foldersUpTo('0006_search');
    await using database = await partlyMigrated(driver, before.folder);
    const { db } = database;
    // [number, status, opted out, messages as sender:body@second (after 10:00:00.123456 UTC)]
    const people: [string, string, boolean, string[]][] = [
      ['+570001', 'pending_form', false, ['aspirant:Hola@0', 'bot:Bienvenida@1', 'aspirant:¿Cuánto pagan?@2', 'aspirant:¿Hola?@3']],
      ['+570002', 'open', false, ['aspirant:Hola@0', 'recruiter:Hola, soy Rita@1']],
      ['+570003', 'open', true, ['aspirant:Hola@0', 'aspirant:STOP@1']],
      ['+570004', 'open', false, ['aspirant:Hola@0', 'aspirant:Baja@1', 'aspirant:¡Alta!@2']],
      ['+570005', 'new', false, ['aspirant:Hola@0', 'aspirant:START@1']],
      ['+570006', 'archived', false, ['recruiter:Plantilla@0', 'aspirant:Sigo interesada@1']],
    ];
    const at = (second: number) => `2026-11-27T10:00:0${second}.123456Z`;
    for (const [number, status, optedOut, messages] of people) {
      const last = (sender: (s: string) => boolean) => messages.filter((m) => sender(m.split(':')[0]!)).map((m) => Number(m.split('@')[1]));
      const inbound = last((s) => s === 'aspirant').at(-1);
      const any = last(() => true).at(-1)!;
      await db.execute(sql`
        with a as (insert into aspirants (whatsapp_id, opted_out_at) values (${number}, ${optedOut ? at(0) : null}::timestamptz) returning id),
        c as (insert into conversations (aspirant_id, status, last_inbound_at, last_message_at)
              select id, ${status}::conversation_status, ${inbound === undefined ? null : at(inbound)}::timestamptz, ${at(any)}::timestamptz from a returning id)
        insert into messages (conversation_id, sender, body, status, created_at)
        select c.id, m.sender::message_sender, m.body, 'received', m.created_at::timestamptz from c,
          jsonb_to_recordset(${JSON.stringify(messages.map((m) => ({ sender: m.split(':')[0], body: m.slice(m.indexOf(':') + 1, m.lastIndexOf('@')), created_at: at(Number(m.split('@')[1])) })))}::jsonb)
            as m(sender text, body text, created_at text)`);
    }

    await database.migrate(migrationsFolder);

    const rows = rowsOf<{ number: string; status: string; since: string | null }>(
      await db.execute(sql`select a.whatsapp_id as number, c.status::text as status, to_char(c.waiting_since at time zone 'UTC', 'HH24:MI:SS.US') as since
        from conversations c join aspirants a on a.id = c.aspirant_id order by a.whatsapp_id`),
    );
    expect(rows).toEqual([
      { number: '+570001', status: 'pending_form', since: '10:00:02.123000' },
      { number: '+570002', status: 'open', since: null },
      { number: '+570003', status: 'open', since: null },
      { number: '+570004', status: 'open', since: null },
      { number: '+570005', status: 'new', since: '10:00:00.123000' },
      { number: '+570006', status: 'archived', since: '10:00:01.123000' },
    ]);
  });
});

describe.each(drivers)('0009_message_kinds on %s', (driver) => {
  test("gives an aspirant's stored messages their kind: a location or button from extra, a replied-to sid, the first file's type; ours stay text", async () => {
    using before = foldersUpTo('0008_push_subscriptions');
    await using database = await partlyMigrated(driver, before.folder);
    const { db } = database;
    // [sender, body, extra, declared types of its files]
    const stored: [string, string, unknown, string[]][] = [
      ['aspirant', 'Hola', null, []],
      ['aspirant', '', { location: { latitude: 4.6097, longitude: -74.0817, address: 'Cra. 7 #32-16', label: 'Agencia' } }, []],
      ['aspirant', '', { button: { text: 'Sí, me interesa', payload: 'interest_yes' } }, []],
      ['aspirant', 'Claro', { button: { text: 'Claro' } }, []],
      ['aspirant', 'Nice', { repliedToSid: 'MM5c' }, []],
      ['aspirant', 'mi foto', null, ['image/jpeg', 'application/pdf']],
      ['aspirant', '', null, ['audio/ogg; codecs=opus']],
      ['aspirant', '', null, ['audio/mpeg']],
      ['aspirant', '', null, ['text/vcard']],
      ['aspirant', '', null, ['application/vnd.openxmlformats-officedocument.wordprocessingml.document']],
      ['aspirant', '', null, [null as unknown as string]],
      ['bot', 'Bienvenida', { messageKey: 'welcome' }, []],
    ];
    await db.execute(sql`
      with a as (insert into aspirants (whatsapp_id) values ('+570009') returning id),
      c as (insert into conversations (aspirant_id) select id from a returning id),
      m as (
        insert into messages (conversation_id, sender, body, status, extra)
        select c.id, x.sender::message_sender, x.body, 'received', x.extra from c,
          jsonb_to_recordset(${JSON.stringify(stored.map(([sender, body, extra], n) => ({ n, sender, body, extra })))}::jsonb) as x(n int, sender text, body text, extra jsonb)
        order by x.n returning id
      )
      select count(*) from m`);
    const ids = rowsOf<{ id: number }>(await db.execute(sql`select id from messages order by id`)).map((r) => Number(r.id));
    for (const [n, [, , , types]] of stored.entries()) {
      for (const type of types) await db.execute(sql`insert into media (message_id, content_type) values (${ids[n]!}, ${type})`);
    }

    await database.migrate(migrationsFolder);

    const rows = rowsOf<{ kind: string; content: unknown; body: string; refers_to_sid: string | null }>(
      await db.execute(sql`select kind::text as kind, content, body, refers_to_sid from messages order by id`),
    ).map((r) => ({ ...r, content: typeof r.content === 'string' ? JSON.parse(r.content) : r.content }));
    expect(rows).toEqual([
      { kind: 'text', content: null, body: 'Hola', refers_to_sid: null },
      { kind: 'location', content: { latitude: 4.6097, longitude: -74.0817, address: 'Cra. 7 #32-16', label: 'Agencia' }, body: '', refers_to_sid: null },
      { kind: 'interactive', content: { reply: 'button', payload: 'interest_yes' }, body: 'Sí, me interesa', refers_to_sid: null },
      { kind: 'interactive', content: { reply: 'button' }, body: 'Claro', refers_to_sid: null },
      { kind: 'text', content: null, body: 'Nice', refers_to_sid: 'MM5c' },
      { kind: 'image', content: null, body: 'mi foto', refers_to_sid: null },
      { kind: 'audio', content: { voice: true }, body: '', refers_to_sid: null },
      { kind: 'audio', content: { voice: false }, body: '', refers_to_sid: null },
      { kind: 'contacts', content: null, body: '', refers_to_sid: null },
      { kind: 'document', content: null, body: '', refers_to_sid: null },
      { kind: 'document', content: null, body: '', refers_to_sid: null },
      { kind: 'text', content: null, body: 'Bienvenida', refers_to_sid: null },
    ]);
  });

  test('0015 records the consent box ticked before the ledger as an authorisation of treatment on notice version 0', async () => {
    using before = foldersUpTo('0014_aspirant_identity');
    await using database = await partlyMigrated(driver, before.folder);
    const { db } = database;
    await db.execute(sql`insert into aspirants (whatsapp_id, locale, consent_at) values ('+570001', 'en', '2026-11-20T15:00:00Z'), ('+570002', 'es', null)`);
    await database.migrate(migrationsFolder);
    const rows = rowsOf<{ whatsapp_id: string; scope: string; decision: string; notice_version: number; notice_sha256: string; notice_locale: string; channel: string; at: Date | string }>(
      await db.execute(sql`select a.whatsapp_id, c.scope, c.decision, c.notice_version, c.notice_sha256, c.notice_locale, c.channel, c.at from consents c join aspirants a on a.id = c.aspirant_id`),
    );
    expect(rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }))).toEqual([
      { whatsapp_id: '+570001', scope: 'treatment', decision: 'authorisation', notice_version: 0, notice_sha256: 'pre-ledger', notice_locale: 'en', channel: 'form', at: '2026-11-20T15:00:00.000Z' },
    ]);
  });

  test('0017 keeps one open request per aspirant and right (the one in progress, else the first), closes the others as merged, audited', async () => {
    using before = foldersUpTo('0016_blob_deletions');
    await using database = await partlyMigrated(driver, before.folder);
    const { db } = database;
    await db.execute(sql`insert into aspirants (whatsapp_id) values ('+570001'), ('+570002')`);
    await db.execute(sql`
      insert into data_subject_requests (aspirant_id, "right", category, channel, status, received_at, due_on)
      select a.id, r.right, 'claim', 'whatsapp', r.status, r.at::timestamptz, '2026-12-15' from aspirants a,
        (values ('+570001', 'erasure', 'received', '2026-11-20T10:00:00Z'), ('+570001', 'erasure', 'received', '2026-11-20T10:01:00Z'),
                ('+570001', 'erasure', 'received', '2026-11-20T10:02:00Z'), ('+570001', 'access', 'received', '2026-11-20T10:03:00Z'),
                ('+570002', 'erasure', 'received', '2026-11-20T10:00:00Z'), ('+570002', 'erasure', 'in_progress', '2026-11-20T10:05:00Z'),
                ('+570002', 'erasure', 'done', '2026-11-19T10:00:00Z'))
        as r(phone, "right", status, at) where a.whatsapp_id = r.phone`);
    await database.migrate(migrationsFolder);
    const rows = rowsOf<{ phone: string; right: string; status: string; at: string; merged: boolean }>(
      await db.execute(sql`select a.whatsapp_id as phone, r."right", r.status, to_char(r.received_at at time zone 'UTC', 'HH24:MI') as at, coalesce(r.resolution like 'Merged into request #%', false) as merged
        from data_subject_requests r join aspirants a on a.id = r.aspirant_id order by a.whatsapp_id, r.received_at`),
    );
    expect(rows).toEqual([
      { phone: '+570001', right: 'erasure', status: 'received', at: '10:00', merged: false },
      { phone: '+570001', right: 'erasure', status: 'done', at: '10:01', merged: true },
      { phone: '+570001', right: 'erasure', status: 'done', at: '10:02', merged: true },
      { phone: '+570001', right: 'access', status: 'received', at: '10:03', merged: false },
      { phone: '+570002', right: 'erasure', status: 'done', at: '10:00', merged: false },
      { phone: '+570002', right: 'erasure', status: 'done', at: '10:00', merged: true },
      { phone: '+570002', right: 'erasure', status: 'in_progress', at: '10:05', merged: false },
    ]);
    const audits = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from audit_log where action = 'data_request.merged' and actor = 'migration'`));
    expect(audits[0]!.n).toBe(3);
  });
});
