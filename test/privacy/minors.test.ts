/**
 * @module test/privacy/minors.test — a minor cannot reach the photo step before her guardian authorises (Law 1581
 * Art. 7; Decree 1377 Art. 12): the hosted form with a minor's birth date, the bot's awaiting_guardian step, the
 * guardian's page /g/:token (notice, ID number, decision, idempotence, bad and expired links) and the replay.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { botSettings } from '../../server/config';
import { consents, guardians } from '../../server/db/schema';
import { photosHeld } from '../../server/privacy/minor-photos';
import { createScriptCache } from '../../server/services/bot-scripts';
import { replayConversation } from '../../server/services/replay';
import { loadStates } from '../../server/conversations/state-statement';
import { insertUser } from '../../server/db/queries/users';
import { testApp, type TestApp } from '../support/app';
import { inbound } from '../support/bot';
import { botKeys, GUARDIAN_DOCUMENT, guardianPath, minorWhoFilledTheForm, postForm, statusOf } from './minors-support';

const PHOTO_STEPS = ['photo_request', 'guardian_authorised'];

describe('a minor and her guardian', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t[Symbol.asyncDispose]();
  });

  test('no photo is asked for before the guardian authorises; her authorisation asks for it once', async () => {
    const { conversation, guardian, number } = await minorWhoFilledTheForm(t, '+573001230001');
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending']);
    expect(await statusOf(t, conversation.id)).toBe('needs_attention');
    expect(guardian).toMatchObject({ name: 'Marta Vélez', documentNumber: GUARDIAN_DOCUMENT, phone: '+573001239999', authorisedAt: null });
    expect(guardian.linkSentAt).not.toBeNull();
    expect(await photosHeld(t.database.db, conversation.id)).toBe(true);

    // A message meanwhile moves nothing towards the photo.
    await t.services.conversations.acceptInbound(inbound(number, 'ok, gracias'));
    await t.services.conversations.registry.ask(number, () => null);
    expect((await botKeys(t, conversation.id)).filter((key) => PHOTO_STEPS.includes(key))).toEqual([]);

    const path = guardianPath(t, guardian.id);
    const page = await t.request(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Autorización del acudiente');
    expect(html).toContain('Sofía');
    expect(html).not.toContain('Restrepo Vélez');
    expect(html).toContain('Ley 1581');
    expect(await (await t.request(`${path}?lang=en`)).text()).toContain('Guardian’s authorisation');

    const headers = { 'user-agent': 'GuardianPhone/1.0' };
    const wrong = await postForm(t, path, { decision: 'authorised', documentNumber: '99999999' }, headers);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('no coincide');
    expect((await t.database.db.select().from(guardians).where(eq(guardians.id, guardian.id)))[0]!.authorisedAt).toBeNull();

    const yes = await postForm(t, path, { decision: 'authorised', documentNumber: '1023-456 789' }, headers);
    expect(yes.status).toBe(200);
    expect(await yes.text()).toContain('Registramos tu autorización');
    await t.services.conversations.registry.ask(number, () => null);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending', 'guardian_authorised']);
    expect(await statusOf(t, conversation.id)).toBe('pending_photo');
    expect(await photosHeld(t.database.db, conversation.id)).toBe(false);
    // An actor loaded again from the database knows it too.
    expect((await loadStates(t.database.db, [number]))[0]!.facts).toMatchObject({ minor: true, guardianAuthorised: true });
    const ledger = await t.database.db.select().from(consents).where(eq(consents.guardianId, guardian.id));
    expect(ledger.map((row) => [row.scope, row.grantedBy, row.channel, row.userAgent]).sort()).toEqual([
      ['photos', 'guardian', 'guardian_link', 'GuardianPhone/1.0'],
      ['treatment', 'guardian', 'guardian_link', 'GuardianPhone/1.0'],
    ]);

    // A second answer (another click, a declined after the fact) shows what was recorded and changes nothing.
    const again = await postForm(t, path, { decision: 'declined', documentNumber: GUARDIAN_DOCUMENT });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Registramos tu autorización');
    await t.services.conversations.registry.ask(number, () => null);
    expect((await botKeys(t, conversation.id)).filter((key) => PHOTO_STEPS.includes(key))).toEqual(['guardian_authorised']);
    expect(await t.database.db.select().from(consents).where(eq(consents.guardianId, guardian.id))).toHaveLength(2);

    // The replay of her conversation reproduces every step, the guardian's decision included.
    const replay = await replayConversation(t.database.db, conversation.id, { scripts: createScriptCache(t.database.db), forms: botSettings(t.config) });
    expect(replay.steps.map((step) => step.event)).toContain('guardian.authorised');
    expect(replay.differences).toBe(0);
    expect(replay.steps.find((step) => step.event === 'guardian.authorised')!.replayed).toHaveLength(1);
  });

  test('a declined guardian: a kind message, a recruiter, and never a photo request', async () => {
    const { conversation, guardian, number } = await minorWhoFilledTheForm(t, '+573001230002');
    const path = guardianPath(t, guardian.id);
    const no = await postForm(t, `${path}?lang=en`, { decision: 'declined', documentNumber: GUARDIAN_DOCUMENT });
    expect(no.status).toBe(200);
    expect(await no.text()).toContain('We recorded that you do not authorise');
    await t.services.conversations.registry.ask(number, () => null);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending', 'guardian_declined']);
    expect(await statusOf(t, conversation.id)).toBe('needs_attention');
    await t.services.conversations.acceptInbound(inbound(number, 'hola, ¿y ahora?'));
    await t.services.conversations.registry.ask(number, () => null);
    expect((await botKeys(t, conversation.id)).filter((key) => PHOTO_STEPS.includes(key))).toEqual([]);
    expect(await photosHeld(t.database.db, conversation.id)).toBe(true);
    expect(await t.database.db.select().from(consents).where(eq(consents.guardianId, guardian.id))).toEqual([]);
    const replay = await replayConversation(t.database.db, conversation.id, { scripts: createScriptCache(t.database.db), forms: botSettings(t.config) });
    expect(replay.differences).toBe(0);
  });

  test('a minor cannot name her own number as her guardian’s: the form says so beside the field and records nothing', async () => {
    const number = '+573001230099';
    await expect(minorWhoFilledTheForm(t, number, { guardianPhone: number })).rejects.toThrow(/the form answered 422:[\s\S]*Ese es tu propio número/);
    const rows = await t.database.db.select().from(guardians).where(eq(guardians.phone, number));
    expect(rows).toHaveLength(0);
  });

  test('the page refuses a bad, tampered or expired link, and an answer without her number', async () => {
    const { guardian } = await minorWhoFilledTheForm(t, '+573001230003');
    expect((await t.request('/g/nonsense')).status).toBe(404);
    const good = guardianPath(t, guardian.id);
    const tampered = good.replace(`g1.${guardian.id}.`, `g1.${guardian.id + 1}.`);
    const refused = await t.request(tampered);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain(tampered.slice(3));
    const expired = guardianPath(t, guardian.id, Date.now() - 20 * 86_400_000, 86_400_000);
    const stale = await t.request(expired);
    expect(stale.status).toBe(410);
    expect(await stale.text()).toContain('ya venció');
    expect((await postForm(t, expired, { decision: 'authorised', documentNumber: GUARDIAN_DOCUMENT })).status).toBe(410);
    expect((await postForm(t, good, { decision: 'authorised' })).status).toBe(400);
    expect((await postForm(t, good, { documentNumber: GUARDIAN_DOCUMENT })).status).toBe(400);
    expect((await t.database.db.select().from(guardians).where(eq(guardians.id, guardian.id)))[0]).toMatchObject({ authorisedAt: null, declinedAt: null });
  });

  test('while a recruiter has her conversation the bot waits; resumed after the authorisation, it asks for the photo', async () => {
    const { conversation, guardian, number } = await minorWhoFilledTheForm(t, '+573001230004');
    const recruiter = await insertUser(t.database.db, { email: 'rita@agency.co', name: 'Rita', role: 'recruiter', passwordHash: 'x' });
    expect(await t.services.conversations.reply(number, { userId: recruiter.id, body: 'Hola Sofía, ya hablamos con tu mamá.' })).toMatchObject({ ok: true });
    await postForm(t, guardianPath(t, guardian.id), { decision: 'authorised', documentNumber: GUARDIAN_DOCUMENT });
    await t.services.conversations.registry.ask(number, () => null);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending']);
    expect((await loadStates(t.database.db, [number]))[0]!.facts).toMatchObject({ minor: true, guardianAuthorised: true });
    await t.services.conversations.resumeBot(number, recruiter.id);
    expect(await botKeys(t, conversation.id)).toEqual(['welcome', 'guardian_pending', 'guardian_authorised']);
  });
});
