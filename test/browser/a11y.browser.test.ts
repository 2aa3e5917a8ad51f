/**
 * @module test/browser/a11y.browser.test — axe-core (WCAG 2 A and AA rules) on every recruiter, admin and form page in
 * Chromium: the sign-in page, the inbox with and without an open conversation (one with every kind of message), the
 * admin pages and the aspirant's form.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { cannedResponses, conversations } from '../../server/db/schema';
import { addUser, setUserPreferences } from '../../server/services/users';
import { eq } from 'drizzle-orm';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { formPathFor } from '../support/form';
import { postEveryKind, storeFile, VCARD, wav } from '../support/kind-media';
import { listen } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550777';
const KINDS_NUMBER = '+573105550778';
const AXE = readFileSync(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

/** WCAG 2 A/AA violations on the page as it is now, one line each: rule, impact, how many, the first element. */
async function violationsOn(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  )) as AxeResult;
  return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}`);
}

describe.skipIf(!browserAvailable)('accessibility in Chromium (axe-core, WCAG 2 A/AA)', () => {
  test('every recruiter, admin and form page has no violation', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, 'Hola, quiero información'), fake.authToken)).status).toBe(200);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const aspirant = await findAspirantByWhatsappId(t.database.db, NUMBER);
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, aspirant!.id));
    const admin = await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: PASSWORD });
    await t.database.db.insert(cannedResponses).values({ title: 'Saludo', body: 'Hola {firstName}', createdBy: admin.id });
    // A chat with more than one kind of item: the aspirant's message, a recruiter's reply on its way, a note.
    expect(await t.services.conversations.reply(NUMBER, { userId: admin.id, body: 'Hola, gracias por escribir' })).toMatchObject({ ok: true });
    await t.services.conversations.addNote(NUMBER, admin.id, 'Llamar mañana');
    // Another aspirant's chat with every kind of message: players, a CV, a sticker, a place, a card, a quote, a reaction.
    const missing = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
    const sids = await postEveryKind(t, fake, KINDS_NUMBER, missing);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(KINDS_NUMBER, () => null);
    await storeFile(t, sids.voiceNote, wav(), 'audio/wav');
    await storeFile(t, sids.video, new Uint8Array(512), 'video/webm');
    await storeFile(t, sids.cvDocx, new Uint8Array(2048), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await storeFile(t, sids.sticker, new Uint8Array(64), 'image/webp');
    await storeFile(t, sids.contact, new TextEncoder().encode(VCARD), 'text/vcard');
    const kindsAspirant = await findAspirantByWhatsappId(t.database.db, KINDS_NUMBER);
    const [kinds] = await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, kindsAspirant!.id));

    // axe is injected as a script: the test's own context may bypass the page's CSP to do so.
    const context = await browser.newContext({ locale: 'es-CO', bypassCSP: true });
    const page = await context.newPage();
    const found: Record<string, string[]> = {};
    const check = async (name: string) => void (found[name] = await violationsOn(page));

    await page.goto(`${server.url}/login`);
    await check('login');
    await page.getByLabel('Correo').fill('ana@agency.co');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/inbox$/), page.getByRole('button', { name: /Entrar/ }).click()]);
    await check('inbox');
    await page.goto(`${server.url}/inbox/${conversation!.id}`);
    await check('inbox, conversation open');
    await page.goto(`${server.url}/inbox?status=waiting`);
    await check('inbox, waiting for us');
    await page.goto(`${server.url}/inbox/${kinds!.id}`);
    await check('inbox, every kind of message');
    await addUser(t.database.db, { label: 'test' }, { email: 'luis@agency.co', name: 'Luis', role: 'recruiter', password: PASSWORD });
    for (const path of ['/admin/users', '/admin/canned', '/admin/audit', '/admin/users/disable?email=luis%40agency.co']) {
      await page.goto(`${server.url}${path}`);
      await check(path);
    }
    const form = await formPathFor(t, aspirant!);
    await page.goto(`${server.url}${form.path}`);
    await check('form');
    // On a phone, with the aspirant's details over the chat.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/inbox/${conversation!.id}#details`);
    await check('phone, details');
    // In English: the admin pages of an admin who reads English.
    await setUserPreferences(t.database.db, { label: 'test' }, 'ana@agency.co', { locale: 'en' });
    for (const path of ['/admin/users', '/admin/audit', `/inbox/${conversation!.id}`]) {
      await page.goto(`${server.url}${path}`);
      await check(`${path} (en)`);
    }
    const none = Object.fromEntries(Object.keys(found).map((name) => [name, []]));
    expect(Object.keys(found)).toHaveLength(14);
    expect(found).toEqual(none);
  });
});
