/**
 * @module server/db/inbound-statement.test — whose webhook row it is: found by BSUID, else phone; created once, with
 * her first key; a missing phone or BSUID linked; a username updated; statuses create no one; races between
 * statements end in one aspirant.
 */
import { describe, expect, test } from 'bun:test';
import { asc, eq, sql } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import type { WhatsAppIdentity } from '../whatsapp/port';
import { createInboundWriter } from './batch-insert';
import { PgDialect } from 'drizzle-orm/pg-core';
import { identityStatement, peopleOf, phoneStatement, type IdentityRow } from './inbound-statement';
import type { Db, Tx } from './client';
import { rowsOf } from './rows';
import { aspirants, inboundEvents } from './schema';

const B = 'CO.1502576394655843';
const P = '+573001112233';
let sids = 0;
const message = (identity: WhatsAppIdentity, whatsappName: string | null = 'Vale'): IdentityRow => ({
  providerSid: `wamid.${++sids}`,
  kind: 'message',
  identity,
  payload: { event: { body: 'hola' } },
  aspirant: { whatsappName },
});
const status = (identity: WhatsAppIdentity): IdentityRow => ({ providerSid: `wamid.${++sids}:delivered`, kind: 'status', identity, payload: { event: {} } });

describe('the people of a batch', () => {
  test('rows sharing a phone or a BSUID, even through a third row, are one person: her first message sets key and name', () => {
    const rows = [
      status({ bsuid: B }),
      message({ bsuid: B, username: 'vale' }, 'Vale'),
      message({ bsuid: B, phone: P }, 'Otra'),
      message({ phone: P, username: 'vale.g' }),
      message({ phone: '+573009998877' }),
    ];
    const { people, personOf } = peopleOf(rows);
    expect(personOf).toEqual([0, 0, 0, 0, 1]);
    expect(people[0]).toEqual({ n: 0, key: B, phone: P, bsuid: B, username: 'vale.g', name: 'Vale', creates: true });
    expect(people[1]).toMatchObject({ key: '+573009998877', phone: '+573009998877', bsuid: null, creates: true });
    // Joined through a later row: [phone A] [BSUID] [phone A + BSUID] are one person.
    expect(peopleOf([message({ phone: P }), message({ bsuid: B }), message({ phone: P, bsuid: B })]).personOf).toEqual([0, 0, 0]);
  });
});

describe.each(drivers)('identity resolution (%s)', (driver) => {
  async function setup(concurrency = driver === 'pglite' ? 1 : 4) {
    const database = await testDatabase(driver);
    const writer = createInboundWriter(database.db, { concurrency });
    const people = () =>
      database.db
        .select({ key: aspirants.whatsappId, phone: aspirants.phone, bsuid: aspirants.bsuid, username: aspirants.username, name: aspirants.whatsappName })
        .from(aspirants)
        .orderBy(asc(aspirants.id));
    return { database, writer, people, [Symbol.asyncDispose]: () => database.close() };
  }

  test('BSUID only, then BSUID and phone: one aspirant keyed by her BSUID, the phone linked; the reverse keeps the phone as key', async () => {
    await using t = await setup();
    expect((await t.writer.insert(message({ bsuid: B, username: 'vale' })))!.key).toBe(B);
    expect((await t.writer.insert(message({ bsuid: B, phone: P, username: 'vale' }, 'Otro nombre')))!.key).toBe(B);
    const other = 'BR.77';
    expect((await t.writer.insert(message({ phone: '+5511987654321', bsuid: other })))!.key).toBe('+5511987654321');
    expect((await t.writer.insert(message({ bsuid: other, username: 'ana' })))!.key).toBe('+5511987654321');
    expect(await t.people()).toEqual([
      { key: B, phone: P, bsuid: B, username: 'vale', name: 'Vale' },
      { key: '+5511987654321', phone: '+5511987654321', bsuid: other, username: 'ana', name: 'Vale' },
    ]);
    const keys = await t.database.db.select({ key: inboundEvents.conversationKey }).from(inboundEvents).orderBy(asc(inboundEvents.id));
    expect(keys.map((k) => k.key)).toEqual([B, B, '+5511987654321', '+5511987654321']);
    // Each found or made in its own statement: none lost a race, none ran again.
    expect(t.writer.stats().reruns).toBe(0);
  });

  test('a phone-keyed aspirant gets her BSUID linked, then a BSUID-only message finds her; a changed username is updated, a missing one kept', async () => {
    await using t = await setup();
    await t.database.db.insert(aspirants).values({ whatsappId: P, phone: P, whatsappName: 'Antes' });
    expect((await t.writer.insert(message({ phone: P, bsuid: B, username: 'vale' })))!.key).toBe(P);
    expect((await t.writer.insert(message({ bsuid: B, username: 'vale.nueva' })))!.key).toBe(P);
    expect((await t.writer.insert(message({ bsuid: B })))!.key).toBe(P);
    expect(await t.people()).toEqual([{ key: P, phone: P, bsuid: B, username: 'vale.nueva', name: 'Antes' }]);
  });

  test('a status resolves its recipient (linking her BSUID) but creates no one; an unknown one is keyed as given', async () => {
    await using t = await setup();
    await t.database.db.insert(aspirants).values({ whatsappId: P, phone: P });
    expect(await t.writer.insert(status({ phone: P, bsuid: B }))).toMatchObject({ key: P, id: expect.any(Number) });
    expect((await t.writer.insert(status({ bsuid: 'CO.999', username: 'nadie' })))!.key).toBe('CO.999');
    expect((await t.writer.insert(status({ phone: '+573009990000' })))!.key).toBe('+573009990000');
    expect(t.writer.stats().reruns).toBe(0);
    expect(await t.people()).toEqual([{ key: P, phone: P, bsuid: B, username: null, name: null }]);
  });

  test("two people so far (her BSUID's and her phone's): the BSUID's answers and the phone stays where it is", async () => {
    await using t = await setup();
    await t.database.db.insert(aspirants).values([
      { whatsappId: B, bsuid: B },
      { whatsappId: P, phone: P },
    ]);
    expect((await t.writer.insert(message({ bsuid: B, phone: P })))!.key).toBe(B);
    expect((await t.writer.insert(message({ phone: P })))!.key).toBe(P);
    expect(await t.people()).toEqual([
      { key: B, phone: null, bsuid: B, username: null, name: null },
      { key: P, phone: P, bsuid: null, username: null, name: null },
    ]);
  });

  test('first messages of one new person in one statement — BSUID only, then with her phone — make one aspirant', async () => {
    await using t = await setup(1);
    const ahead = t.writer.insert(message({ phone: '+573000000000' }));
    const stored = await Promise.all([t.writer.insert(message({ bsuid: B, username: 'vale' }, 'Vale')), t.writer.insert(message({ bsuid: B, phone: P }, 'Otra'))]);
    await ahead;
    expect(t.writer.stats()).toMatchObject({ batches: 2 });
    expect(stored.map((s) => s?.key)).toEqual([B, B]);
    expect((await t.people()).slice(1)).toEqual([{ key: B, phone: P, bsuid: B, username: 'vale', name: 'Vale' }]);
  });

  test('an aspirant row with her key but no phone (made by an older path) is found on a retry and gets the phone', async () => {
    await using t = await setup();
    await t.database.db.insert(aspirants).values({ whatsappId: P });
    expect((await t.writer.insert(message({ phone: P })))!.key).toBe(P);
    expect(t.writer.stats().reruns).toBe(1);
    expect(await t.people()).toEqual([{ key: P, phone: P, bsuid: null, username: null, name: null }]);
  });

  test.skipIf(driver === 'pglite')('statements racing on one new person (separate writers, every shape) end in one aspirant per person', async () => {
    await using t = await setup();
    const writers = Array.from({ length: 4 }, () => createInboundWriter(t.database.db, { concurrency: 1 }));
    // Each person's four first messages at once, one per writer (so in four statements): all carry her BSUID, or
    // (the phone-only people) all her phone. A BSUID alone and a phone alone would be two strangers: nothing joins them.
    const shapes = (i: number): WhatsAppIdentity[] => {
      const bsuid = `CO.${1000 + i}`;
      const phone = `+5730000${String(i).padStart(5, '0')}`;
      if (i % 2) return [{ phone }, { phone, bsuid }, { phone }, { phone, username: `u${i}` }];
      return [{ bsuid, username: `u${i}` }, { bsuid, phone }, { bsuid }, { phone, bsuid, username: `u${i}` }];
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => Promise.all(shapes(i).map((identity, w) => writers[w]!.insert(message(identity))))));
    for (const [i, stored] of results.entries()) {
      expect(new Set(stored.map((s) => s?.key)).size, `person ${i}`).toBe(1);
      expect(stored.every((s) => s !== null)).toBe(true);
    }
    expect(await t.database.db.$count(aspirants)).toBe(40);
    expect(await t.database.db.select({ phone: aspirants.phone, bsuid: aspirants.bsuid }).from(aspirants).where(eq(aspirants.bsuid, 'CO.1008'))).toEqual([
      { phone: '+573000000008', bsuid: 'CO.1008' },
    ]);
  });

  /**
   * Runs `row` while another transaction holds `other`'s writes uncommitted: the row's statement (its snapshot taken
   * before they commit) waits on them in a unique index, and sees the outcome only when they commit.
   */
  async function racedBy(db: Db, writer: ReturnType<typeof createInboundWriter>, other: (tx: Tx) => Promise<unknown>, row: IdentityRow) {
    let stored: ReturnType<typeof writer.insert> | undefined;
    await db.transaction(async (tx) => {
      await other(tx);
      stored = writer.insert(row);
      // Await the statement waiting on the lock (pg_stat_activity of this test's own database), then commit.
      while (rowsOf(await db.execute(sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).length === 0);
    });
    return stored!;
  }

  test.skipIf(driver === 'pglite')('a person created, or a phone linked, by a statement not yet committed is found on a rerun, never an error', async () => {
    await using t = await setup();
    const { db } = t.database;
    // Her BSUID's aspirant created meanwhile: the BSUID and phone message finds it and links the phone.
    expect(await racedBy(db, t.writer, (tx) => tx.insert(aspirants).values({ whatsappId: B, bsuid: B }), message({ bsuid: B, phone: P }))).toMatchObject({ key: B, id: expect.any(Number) });
    // Twilio's path: her number's aspirant created meanwhile.
    const phone = '+573004445566';
    expect(await racedBy(db, t.writer, (tx) => tx.insert(aspirants).values({ whatsappId: phone, phone }), message({ phone }))).toMatchObject({ key: phone });
    // Her phone linked to another aspirant meanwhile (a unique violation for this statement's link): not linked here.
    const [other] = await db.insert(aspirants).values({ whatsappId: 'CO.2', bsuid: 'CO.2' }).returning();
    await db.insert(aspirants).values({ whatsappId: 'CO.3', bsuid: 'CO.3' });
    const third = '+573007778899';
    expect(await racedBy(db, t.writer, (tx) => tx.update(aspirants).set({ phone: third }).where(eq(aspirants.id, other!.id)), message({ bsuid: 'CO.3', phone: third }))).toMatchObject({ key: 'CO.3' });
    expect(t.writer.stats().reruns).toBe(3);
    expect(await t.people()).toEqual([
      { key: B, phone: P, bsuid: B, username: null, name: null },
      { key: phone, phone, bsuid: null, username: null, name: null },
      { key: 'CO.2', phone: third, bsuid: 'CO.2', username: null, name: null },
      { key: 'CO.3', phone: null, bsuid: 'CO.3', username: null, name: null },
    ]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('inbound statements plans on Postgres (needs TEST_DATABASE_URL)', () => {
  /** The generic plan Postgres caches for the prepared statement (server/db/prepared), as query-plans.test does. */
  async function genericPlan(db: Db, query: { sql: string; params: unknown[] }): Promise<string> {
    const literal = (value: unknown) => `'${String(value).replaceAll("'", "''")}'`;
    return db.transaction(async (tx) => {
      await tx.execute(sql.raw('set local plan_cache_mode = force_generic_plan'));
      await tx.execute(sql.raw(`prepare plan_probe as ${query.sql}`));
      const rows = rowsOf(await tx.execute(sql.raw(`explain execute plan_probe(${query.params.map(literal).join(', ')})`)));
      await tx.execute(sql.raw('deallocate plan_probe'));
      return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
    });
  }

  test("Twilio's batch probes aspirants_phone_key once per row and nothing else of aspirants; any other batch finds by BSUID and phone by index", async () => {
    await using database = await testDatabase('postgres');
    const { db } = database;
    // Many aspirants, never analysed (this machine's Postgres runs with autovacuum off).
    await db.execute(sql`insert into aspirants (whatsapp_id, phone, bsuid) select '+5730' || lpad(g::text, 8, '0'), '+5730' || lpad(g::text, 8, '0'), 'CO.' || g from generate_series(1, 5000) g`);
    const dialect = new PgDialect();
    const rows = [message({ phone: '+573000000007' }), message({ phone: '+573999999999' }), status({ phone: '+573000000009' })];
    const phone = await genericPlan(db, dialect.sqlToQuery(phoneStatement(rows)));
    expect(phone).not.toMatch(/Seq Scan on aspirants/);
    expect(phone.match(/aspirants_\w+/g)).toEqual(['aspirants_phone_key']);
    const mixed = [message({ bsuid: 'CO.7', username: 'vale' }), message({ phone: '+573999999999', bsuid: 'CO.99999' })];
    const identity = await genericPlan(db, dialect.sqlToQuery(identityStatement(mixed, peopleOf(mixed), { byKey: true })));
    expect(identity).not.toMatch(/Seq Scan on aspirants/);
    for (const index of ['aspirants_phone_key', 'aspirants_bsuid_key', 'aspirants_whatsapp_id_key', 'aspirants_pkey']) expect(identity).toContain(index);
  });
});
