/** @module server/services/canned.test — {firstName} before the form is her WhatsApp name's first word, after it the form's. */
import { expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../../test/support/db';
import { aspirants, cannedResponses } from '../db/schema';
import { cannedFor } from './canned';

const SETTINGS = { secret: 's'.repeat(40), publicUrl: 'https://wasap.example', ttlMs: 86_400_000, agencyName: 'Estrellas' };

test('{firstName} is the first word of her WhatsApp name until the form gives her first name', async () => {
  await using database = await testDatabase('pglite');
  const { db } = database;
  await db.insert(aspirants).values({ whatsappId: '+573001112233', whatsappName: '  Sofía Peña Ruiz ' });
  await db.insert(cannedResponses).values({ title: 'Saludo', body: 'Hola {firstName} ({whatsappName}), soy de {agencyName}' });
  expect((await cannedFor(db, SETTINGS, '+573001112233', Date.now()))[0]!.body).toBe('Hola Sofía (Sofía Peña Ruiz), soy de Estrellas');
  await db.update(aspirants).set({ firstName: 'Sofi' }).where(eq(aspirants.whatsappId, '+573001112233'));
  expect((await cannedFor(db, SETTINGS, '+573001112233', Date.now()))[0]!.body).toBe('Hola Sofi (Sofía Peña Ruiz), soy de Estrellas');
});
