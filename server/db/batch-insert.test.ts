/** @module server/db/batch-insert.test — webhook rows: one statement for many, ids in arrival order, duplicates answered null, first messages' aspirant rows. */
import { describe, expect, test } from 'bun:test';
import { asc } from 'drizzle-orm';
import { drivers, testDatabase } from '../../test/support/db';
import { createInboundWriter } from './batch-insert';
import { aspirants, inboundEvents } from './schema';

const row = (sid: string, body = 'hola') => ({ providerSid: sid, kind: 'message', identity: { phone: '+573001112233' }, payload: { event: { body }, raw: { Body: body, 'Odd "key"': 'ñ \\ ✓' } } });

describe.each(drivers)('inbound writer (%s)', (driver) => {
  test('concurrent rows share statements; ids follow arrival; a repeated or stored sid is a duplicate (null)', async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    const writer = createInboundWriter(db, { concurrency: 1 });
    expect((await writer.insert(row('SM-stored')))!.id).toBeNumber();
    const sids = ['SM-a', 'SM-b', 'SM-stored', 'SM-c', 'SM-a', 'SM-d'];
    const stored = await Promise.all(sids.map((sid, i) => writer.insert(row(sid, `mensaje ${i}`))));
    // Every stored row answers the key her actor is told under.
    expect(new Set(stored.map((s) => s?.key))).toEqual(new Set(['+573001112233', undefined]));
    const ids = stored.map((s) => s?.id ?? null);
    expect(ids.map((id) => id === null)).toEqual([false, false, true, false, true, false]);
    const fresh = ids.filter((id): id is number => id !== null);
    expect(fresh).toEqual([...fresh].sort((a, b) => a - b));
    const rows = await db.select().from(inboundEvents).orderBy(asc(inboundEvents.id));
    expect(rows.map((r) => r.providerSid)).toEqual(['SM-stored', 'SM-a', 'SM-b', 'SM-c', 'SM-d']);
    // The payload arrives as it was given (JSON inside the JSON parameter), the first of a repeated sid kept.
    expect(rows[1]!.payload).toEqual(row('SM-a', 'mensaje 0').payload);
    expect(new Set(rows.map((r) => r.conversationKey))).toEqual(new Set(['+573001112233']));
  });

  test("a message row creates its number's aspirant once, with the profile name; an existing aspirant and rows without one are left alone", async () => {
    await using database = await testDatabase(driver);
    const { db } = database;
    await db.insert(aspirants).values({ whatsappId: '+573000000001', phone: '+573000000001', whatsappName: 'Ya estaba' });
    const writer = createInboundWriter(db, { concurrency: 1 });
    const message = (sid: string, phone: string, whatsappName: string | null) => ({ ...row(sid), identity: { phone }, aspirant: { whatsappName } });
    await Promise.all([
      writer.insert(message('SM-1', '+573000000001', 'Otro nombre')),
      writer.insert(message('SM-2', '+573000000002', 'Nueva')),
      writer.insert(message('SM-3', '+573000000003', null)),
      writer.insert({ ...row('SM-4:delivered'), kind: 'status', identity: { phone: '+573000000004' } }),
    ]);
    // The same number again in a later statement: still one row, the first name kept.
    await writer.insert(message('SM-5', '+573000000002', 'Cambiado'));
    // Two messages of one new number in one statement: one aspirant row, ids in order.
    const ids = await Promise.all([
      writer.insert(message('SM-6', '+573000000009', 'Primera')),
      writer.insert(message('SM-7', '+573000000008', 'Ana')),
      writer.insert(message('SM-8', '+573000000008', 'Ana B')),
    ]);
    expect(ids[2]!.id!).toBeGreaterThan(ids[1]!.id!);
    // [SM-1], [SM-2..4], [SM-5], [SM-6..8]: SM-7 and SM-8 shared a statement (one row per number would take five).
    expect(writer.stats()).toMatchObject({ items: 8, batches: 4, reruns: 0 });
    const rows = await db.select({ key: aspirants.whatsappId, phone: aspirants.phone, name: aspirants.whatsappName }).from(aspirants).orderBy(asc(aspirants.whatsappId));
    expect(rows).toEqual([
      { key: '+573000000001', phone: '+573000000001', name: 'Ya estaba' },
      { key: '+573000000002', phone: '+573000000002', name: 'Nueva' },
      { key: '+573000000003', phone: '+573000000003', name: null },
      { key: '+573000000008', phone: '+573000000008', name: 'Ana' },
      { key: '+573000000009', phone: '+573000000009', name: 'Primera' },
    ]);
  });

  test("several rows of new numbers in one statement: each aspirant keeps its first row's profile name", async () => {
    await using database = await testDatabase(driver);
    const writer = createInboundWriter(database.db, { concurrency: 1 });
    const message = (sid: string, phone: string, whatsappName: string) => ({ ...row(sid), identity: { phone }, aspirant: { whatsappName } });
    // One row in flight, so the next forty share one statement; two numbers alternate, so sorting by number reorders them.
    const ahead = writer.insert(message('SM-0', '+573000000000', 'x'));
    const names = Array.from({ length: 40 }, (_, i) => `Nombre ${i}`);
    await Promise.all([ahead, ...names.map((name, i) => writer.insert(message(`SM-${i + 1}`, i % 2 ? '+573000000002' : '+573000000001', name)))]);
    expect(writer.stats()).toMatchObject({ batches: 2 });
    const stored = await database.db.select({ key: aspirants.whatsappId, name: aspirants.whatsappName }).from(aspirants).orderBy(asc(aspirants.whatsappId));
    expect(stored.slice(1)).toEqual([
      { key: '+573000000001', name: 'Nombre 0' },
      { key: '+573000000002', name: 'Nombre 1' },
    ]);
  });
});
