/**
 * @module test/identity-migration.test — 0014_aspirant_identity on a database at 0013 with aspirants: every row kept
 * as it was, her number copied to `phone`, the unique indexes built, and the search index rebuilt to find usernames.
 */
import { describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { migrationsFolder } from '../server/db/migrate';
import { rowsOf } from '../server/db/rows';
import { drivers } from './support/db';
import { foldersUpTo, partlyMigrated } from './support/migrations';

describe.each(drivers)('0014_aspirant_identity on %s', (driver) => {
  test('keeps every aspirant and her conversation, fills phone from a number key, and the search finds usernames after', async () => {
    using before = foldersUpTo('0013_templates');
    await using database = await partlyMigrated(driver, before.folder);
    const { db } = database;
    await db.execute(sql`
      insert into aspirants (whatsapp_id, whatsapp_name, first_name, email, notes, opted_out_at)
      select '+5730' || lpad(g::text, 8, '0'), 'Nombre ' || g, case when g % 3 = 0 then 'María' end, 'a' || g || '@correo.co', 'nota ' || g,
             case when g = 7 then '2026-11-27T10:00:00Z'::timestamptz end
      from generate_series(1, 250) g`);
    // A key that is no number (none should exist: every key so far came from Twilio's E.164): kept, no phone made up.
    await db.execute(sql`insert into aspirants (whatsapp_id, whatsapp_name) values ('legacy-key', 'Otra')`);
    await db.execute(sql`insert into conversations (aspirant_id) select id from aspirants`);
    const snapshot = sql`select a.id, a.whatsapp_id, a.whatsapp_name, a.first_name, a.email, a.notes, a.opted_out_at, a.created_at, c.id as conversation_id
      from aspirants a join conversations c on c.aspirant_id = a.id order by a.id`;
    const beforeRows = rowsOf(await db.execute(snapshot));

    await database.migrate(migrationsFolder);

    expect(rowsOf(await db.execute(snapshot))).toEqual(beforeRows);
    const identities = rowsOf<{ whatsapp_id: string; phone: string | null; bsuid: string | null; username: string | null }>(
      await db.execute(sql`select whatsapp_id, phone, bsuid, username from aspirants order by id`),
    );
    expect(identities).toHaveLength(251);
    for (const row of identities.slice(0, 250)) expect(row).toEqual({ whatsapp_id: row.whatsapp_id, phone: row.whatsapp_id, bsuid: null, username: null });
    expect(identities[250]).toEqual({ whatsapp_id: 'legacy-key', phone: null, bsuid: null, username: null });

    const indexes = rowsOf<{ indexname: string; indexdef: string }>(await db.execute(sql`select indexname, indexdef from pg_indexes where tablename = 'aspirants'`));
    const byName = new Map(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(byName.get('aspirants_phone_key')).toMatch(/UNIQUE INDEX .*\(phone\) WHERE \(phone IS NOT NULL\)/);
    expect(byName.get('aspirants_bsuid_key')).toMatch(/UNIQUE INDEX .*\(bsuid\) WHERE \(bsuid IS NOT NULL\)/);
    expect(byName.get('aspirants_search_idx')).toContain('username, bsuid');
    // A phone or BSUID is one aspirant's: the database refuses a second.
    const duplicate = await db.execute(sql`insert into aspirants (whatsapp_id, phone) values ('CO.1', '+573000000001')`).then(
      () => 'stored',
      () => 'refused',
    );
    expect(duplicate).toBe('refused');

    await db.execute(sql`update aspirants set username = 'vale.g', bsuid = 'CO.15' where whatsapp_id = '+573000000012'`);
    const found = rowsOf<{ whatsapp_id: string }>(
      await db.execute(sql`select whatsapp_id from aspirants
        where public.wasap_aspirant_text(first_name, last_name, whatsapp_name, email, location, notes, username, bsuid) like '%@vale.g%'`),
    );
    expect(found).toEqual([{ whatsapp_id: '+573000000012' }]);
  });
});
