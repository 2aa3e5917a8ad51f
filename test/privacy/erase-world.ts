/**
 * @module test/privacy/erase-world — one aspirant with everything Wasap can hold of her, for the export and erasure
 * tests: every kind of WhatsApp message through Twilio's webhook (with a stored photo, voice note and PDF), the bot's
 * replies, her form, consents, a guardian, a note, a data-subject request, a recruiter's open and search of her, and
 * her BAJA (opt-out); beside her a bystander who must keep everything. Plus the scans that look for her afterwards:
 * every public table's rows as text, and every object of the blob store.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { createSession } from '../../server/auth/sessions';
import { mediaDir } from '../../server/config';
import type { Db } from '../../server/db/client';
import { insertUser, toPublicUser } from '../../server/db/queries/users';
import { rowsOf } from '../../server/db/rows';
import { aspirants, conversations, guardians, media, messages } from '../../server/db/schema';
import { recordConsents } from '../../server/privacy/consents';
import { currentNotice } from '../../server/privacy/notices';
import { openRequest } from '../../server/privacy/requests';
import { createApiToken } from '../../server/services/api-tokens';
import type { BlobStore } from '../../server/storage/blob-store';
import { testApp, type TestApp } from '../support/app';
import type { Driver } from '../support/db';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { aspirantWhoWrote, signedToken, urlencoded, COMPLETE_FORM } from '../support/form';
import { postEveryKind, storeFile, wav } from '../support/kind-media';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

export const PHONE = '+573019998877';
export const BYSTANDER = '+573015550202';
/** What identifies her anywhere (as a Postgres regular expression, case-insensitive): names, e-mail, number, guardian. */
export const HER = 'Xiomara|Zuluaga|xiomara\\.qz|3019998877|Yolanda|99887766';

export const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const PDF = new TextEncoder().encode('%PDF-1.4 hoja de vida de Xiomara Quintero Zuluaga');

export interface World extends AsyncDisposable {
  t: TestApp;
  fake: FakeTwilio;
  aspirantId: number;
  conversationId: number;
  bystanderId: number;
  admin: { id: number; cookie: string; csrf: string };
  recruiter: { id: number; cookie: string; csrf: string };
  token: string;
  /** Her files' blob keys, and the bystander's. */
  herKeys: string[];
  bystanderKey: string;
}

/** Builds the world on `driver`, with `blobs` in place of the local folder when given (S3). */
export async function buildWorld(driver: Driver, blobs?: BlobStore): Promise<World> {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { mediaRetryDelaysMs: [0, 0], ...(blobs ? { blobs } : {}) } });
  const { db } = t.database;
  const people = [];
  for (const [name, role] of [
    ['Boss', 'admin'],
    ['Rita', 'recruiter'],
  ] as const) {
    const user = toPublicUser(await insertUser(db, { email: `${name.toLowerCase()}@agency.co`, name, role, passwordHash: 'x', locale: 'en' }));
    const session = await createSession(db, user.id, new Date());
    people.push({ id: user.id, cookie: `wasap_session=${session.token}`, csrf: session.csrfToken });
  }
  const [admin, rita] = people as [World['admin'], World['admin']];
  const mediaUrl = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
  const sids = await postEveryKind(t, fake, PHONE, mediaUrl);
  // The downloads (404 from the fake) end first, so they never overwrite the files stored below.
  await t.services.media.idle();
  await t.services.conversations.registry.ask(PHONE, () => null);
  const [her] = await db.select().from(aspirants).where(eq(aspirants.whatsappId, PHONE));
  const [conv] = await db.select().from(conversations).where(eq(conversations.aspirantId, her!.id));
  const ids = [await storeFile(t, sids.photo, PNG, 'image/png'), await storeFile(t, sids.voiceNote, wav(0.1), 'audio/ogg'), await storeFile(t, sids.documentWithCaption, PDF, 'application/pdf')];
  const herKeys = (await db.select({ key: media.blobKey }).from(media).where(inArray(media.id, ids))).map((m) => m.key!);
  // Her form, as the hosted page takes it.
  const form = { ...COMPLETE_FORM, firstName: 'Xiomara', lastName: 'Quintero Zuluaga', email: 'xiomara.qz@example.co', notes: 'Soy Xiomara, mido 1,75', birthDate: '1998-04-12' };
  const posted = await t.request(`/f/${signedToken(t, her!.id)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: urlencoded(form) });
  if (posted.status !== 303) throw new Error(`form answered ${posted.status}`);
  await t.services.conversations.registry.ask(PHONE, () => null);
  const notice = await currentNotice(db, 'es');
  await recordConsents(db, [
    { aspirantId: her!.id, scope: 'treatment', decision: 'authorisation', purposes: ['recruitment'], notice, channel: 'form', ip: '203.0.113.9', userAgent: 'UA Xiomara' },
    { aspirantId: her!.id, scope: 'photos', decision: 'authorisation', purposes: ['photos'], notice, channel: 'form' },
  ]);
  await db.insert(guardians).values({ aspirantId: her!.id, name: 'Yolanda Zuluaga', documentType: 'cc', documentNumber: '99887766', relationship: 'mother', phone: '+573017776655' });
  await t.services.conversations.addNote(PHONE, rita.id, 'Xiomara trae book el lunes');
  await openRequest(db, { aspirantId: her!.id, conversationId: conv!.id, right: 'access', channel: 'whatsapp', details: 'Soy Xiomara Quintero, ¿qué datos tienen?', receivedAt: new Date() });
  // A recruiter opens her conversation and searches for her by full name and by number: reads that quote her. (A
  // search for a lone first name names no one in particular: it stays, see erase-scope.test.)
  for (const path of [`/inbox/${conv!.id}`, '/inbox?q=xiomara%20quintero', '/inbox?q=301%20999%208877']) await t.request(path, { headers: { cookie: rita.cookie, accept: 'text/html' } });
  await t.services.reads.idle();
  // She writes BAJA: opted out.
  const stop = await signedPost(t, '/webhooks/twilio', inboundParams(fake, PHONE, 'BAJA'), fake.authToken);
  if (stop.status !== 200) throw new Error(`BAJA answered ${stop.status}`);
  await t.services.conversations.registry.ask(PHONE, () => null);
  // The bystander: a message and a photo that stay.
  const other = await aspirantWhoWrote(t, BYSTANDER, 'Bruno Bystander');
  const [otherMessage] = await db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.aspirantId, other.id), eq(messages.sender, 'aspirant')));
  const kept = await t.services.blobs.put('media/test/bystander.png', PNG, 'image/png');
  await db.insert(media).values({ messageId: otherMessage!.id, kind: 'image', contentType: 'image/png', size: kept.size, blobKey: kept.key, checksum: kept.checksum, state: 'stored' });
  const { token } = await createApiToken(db, 'laptop', 'test');
  return {
    t,
    fake,
    aspirantId: her!.id,
    conversationId: conv!.id,
    bystanderId: other.id,
    admin,
    recruiter: rita,
    token,
    herKeys,
    bystanderKey: kept.key,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

/** Every public table, and how many of its rows mention her (the whole row cast to text). Tables with none are left out. */
export async function tablesMentioning(db: Db, pattern = HER): Promise<Record<string, number>> {
  const tables = rowsOf<{ name: string }>(await db.execute(sql.raw(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)));
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.raw(quoted)} r where r::text ~* ${pattern}`));
    if (Number(row?.n) > 0) found[name] = Number(row!.n);
  }
  return found;
}

/** Every file under the local store's folder with its bytes (sidecars included). */
export function localFiles(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ path: path.slice(root.length + 1), text: readFileSync(path, 'latin1') });
    }
  };
  try {
    walk(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return out;
}

export const localRoot = (t: TestApp) => mediaDir(t.config);

/** Her conversation's messages in the database, oldest first. */
export async function messagesOf(db: Db, conversationId: number) {
  return db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.id));
}
