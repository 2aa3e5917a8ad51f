/** @module server/db/queries/search.test — the inbox's search finds people however they are typed, on both drivers. */
import { describe, expect, test } from 'bun:test';
import { drivers, testDatabase } from '../../../test/support/db';
import { aspirants, conversations, messages } from '../schema';
import { listConversations } from './inbox';
import { phoneDigits } from './search';

const admin = { id: 1, role: 'admin' as const };

async function seeded(driver: (typeof drivers)[number]) {
  const database = await testDatabase(driver);
  const { db } = database;
  const people = await db
    .insert(aspirants)
    .values([
      { whatsappId: '+573152223344', firstName: 'María Fernanda', lastName: 'López', whatsappName: 'Mafe' },
      { whatsappId: '+573009998877', whatsappName: 'José Ñuñez', email: 'jose.nunez@correo.co', location: 'Medellín', notes: 'Disponible los fines de semana' },
      { whatsappId: '+573001112233', whatsappName: 'Camila' },
    ])
    .returning({ id: aspirants.id });
  const convs = await db
    .insert(conversations)
    .values(people.map((p) => ({ aspirantId: p.id })))
    .returning({ id: conversations.id });
  await db.insert(messages).values({ conversationId: convs[2]!.id, sender: 'aspirant', body: 'Les envío la FOTOGRAFÍA de perfil', status: 'received' });
  const names = async (q: string) => (await listConversations(db, admin, { scope: 'all', q })).rows.map((r) => r.name).sort();
  return { database, names, [Symbol.asyncDispose]: () => database.close() };
}

for (const driver of drivers) {
  describe(`inbox search on ${driver}`, () => {
    test('names are found without accents or capitals, in any word order', async () => {
      await using t = await seeded(driver);
      expect(await t.names('maria')).toEqual(['María Fernanda López']);
      expect(await t.names('MARÍA fernanda')).toEqual(['María Fernanda López']);
      expect(await t.names('lopez maria')).toEqual(['María Fernanda López']);
      expect(await t.names('mafe')).toEqual(['María Fernanda López']);
      expect(await t.names('nunez')).toEqual(['José Ñuñez']);
      expect(await t.names('maria camila')).toEqual([]);
    });

    test('a number is found however it is written', async () => {
      await using t = await seeded(driver);
      for (const q of ['315 222 3344', '+57 (315) 222-3344', '3152223344', '573152223344', '2223344']) expect(await t.names(q), q).toEqual(['María Fernanda López']);
      expect(await t.names('300')).toEqual([]);
    });

    test("the form's e-mail, city and notes, and the messages' text, are searched too", async () => {
      await using t = await seeded(driver);
      expect(await t.names('medellin')).toEqual(['José Ñuñez']);
      expect(await t.names('jose.nunez@correo')).toEqual(['José Ñuñez']);
      expect(await t.names('fines de semana')).toEqual(['José Ñuñez']);
      expect(await t.names('fotografia de perfil')).toEqual(['Camila']);
    });

    test('a username-only aspirant is found by her username, with or without its @, and by her BSUID; her number by the phone kept beside her key', async () => {
      await using t = await seeded(driver);
      const { db } = t.database;
      const [vale, linked] = await db
        .insert(aspirants)
        .values([
          { whatsappId: 'CO.1502576394655843', bsuid: 'CO.1502576394655843', username: 'la_vale.g' },
          { whatsappId: 'CO.77', bsuid: 'CO.77', phone: '+573187776655', whatsappName: 'Ana' },
        ])
        .returning({ id: aspirants.id });
      await db.insert(conversations).values([{ aspirantId: vale!.id }, { aspirantId: linked!.id }]);
      for (const q of ['la_vale', '@la_vale.g', 'LA_VALE.G', 'co.1502576394655843']) expect(await t.names(q), q).toEqual(['@la_vale.g']);
      expect(await t.names('@vale')).toEqual([]);
      expect(await t.names('318 777 6655')).toEqual(['Ana']);
      const [row] = (await listConversations(db, admin, { scope: 'all', q: 'la_vale' })).rows;
      expect(row).toMatchObject({ name: '@la_vale.g', contact: '@la_vale.g' });
    });

    test("LIKE's wildcards are searched as text", async () => {
      await using t = await seeded(driver);
      expect(await t.names('%')).toEqual([]);
      expect(await t.names('_')).toEqual([]);
      expect(await t.names('\\')).toEqual([]);
      // unaccent folds fullwidth ％ ＿ ＼ into the wildcards themselves: they are escaped after folding.
      for (const q of ['％', '﹪', '＿', 'M＿ria', '＼']) expect(await t.names(q), q).toEqual([]);
    });
  });
}

describe('phone numbers in a query', () => {
  test('a query of phone characters with four digits or more is a number; anything else is not', () => {
    expect(phoneDigits('+57 (315) 222-3344')).toBe('573152223344');
    expect(phoneDigits('315.222.3344')).toBe('3152223344');
    expect(phoneDigits('315')).toBeUndefined();
    expect(phoneDigits('maria 3152')).toBeUndefined();
  });
});
