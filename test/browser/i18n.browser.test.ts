/**
 * @module test/browser/i18n.browser.test — no word of the other language on any recruiter or admin page, in Chromium:
 * every page (sign-in, inbox, an open chat with its panel, the waiting list, the admin pages, the confirmation page, a
 * missing page) and every pushed fragment (a colleague typing, her reply, the aspirant's message, a status change),
 * walked for a Spanish reader and again for an English one.
 *
 * The check reads the catalogue: the words only English uses (views/i18n/en minus views/i18n/es, minus every word of
 * the data this test seeds) must not appear on a Spanish page — in its text, hidden text included, title, labels,
 * placeholders or alternative texts — and the words only Spanish uses must not appear on an English page. A hard-coded
 * English label, a status or event code ("needs_attention"), or a fragment pushed in the wrong language fails it.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { cannedResponses, conversations } from '../../server/db/schema';
import { addUser, setUserPreferences } from '../../server/services/users';
import { CATALOGUES } from '../../views/i18n';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { listen } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550888';
/** Everything this test writes that a page may show as data: never a sign of the wrong language. */
const DATA = [
  'Ana Restrepo ana@agency.co Luis Ortega luis@agency.co Wasap',
  'Hola, quiero información sobre el casting',
  'Hola, gracias por escribir; te cuento enseguida',
  'Sigo esperando, gracias',
  'Llamar mañana después del almuerzo',
  'Saludo Hola {firstName}, bienvenida',
  'America Bogota Europe Madrid UTC',
];

const words = (text: string) =>
  new Set(
    (
      text
        .replace(/\{\{?\w+\}?\}/g, ' ')
        .toLowerCase()
        .match(/\p{L}{3,}/gu) ?? []
    ).filter((w) => !/^\p{Lu}/u.test(w)),
  );

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.values(value as Record<string, unknown>).flatMap(leaves);
}

const dataWords = words(DATA.join(' '));
const es = words(leaves(CATALOGUES.es).join(' '));
const en = words(leaves(CATALOGUES.en).join(' '));
/** Words of one catalogue that the other never uses (and the seeded data does not contain). */
const only = (mine: Set<string>, theirs: Set<string>) => new Set([...mine].filter((w) => !theirs.has(w) && !dataWords.has(w)));
const ENGLISH_ONLY = only(en, es);
const SPANISH_ONLY = only(es, en);

/** Every text a reader can meet on the page as it is now: text (hidden included), the title, and the labels of things. */
function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('script, style')) continue;
      // With scripting on, a <noscript>'s content is its markup as raw text: what a reader without JavaScript sees is
      // that markup's text, so it is parsed and checked as such (tag and attribute names are no one's words).
      const noscript = node.parentElement?.closest('noscript');
      texts.push(noscript ? (new DOMParser().parseFromString(node.textContent ?? '', 'text/html').body.textContent ?? '') : (node.textContent ?? ''));
    }
    for (const element of Array.from(document.querySelectorAll('[title], [aria-label], [placeholder], [alt], input[type=submit][value]'))) {
      for (const name of ['title', 'aria-label', 'placeholder', 'alt', 'value']) {
        const value = element.getAttribute(name);
        if (value && (name !== 'value' || element.matches('input[type=submit]'))) texts.push(value);
      }
    }
    return texts;
  });
}

/** The foreign words on the page, each with the text it was found in. */
async function foreignOn(page: Page, foreign: Set<string>): Promise<string[]> {
  const found: string[] = [];
  for (const text of await pageTexts(page)) {
    for (const word of words(text)) if (foreign.has(word)) found.push(`${word} in “${text.trim().slice(0, 80)}”`);
  }
  return found;
}

describe.skipIf(!browserAvailable)('the reader’s language only, in Chromium', () => {
  test('every page and every pushed fragment is in Spanish for a Spanish reader and in English for an English one', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    const { db } = t.database;
    const ana = await addUser(db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana Restrepo', role: 'admin', password: PASSWORD });
    await addUser(db, { label: 'test' }, { email: 'luis@agency.co', name: 'Luis Ortega', role: 'admin', password: PASSWORD });
    await db.insert(cannedResponses).values({ title: 'Saludo', body: 'Hola {firstName}, bienvenida', createdBy: ana.id });
    const write = async (body: string) => expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, body), fake.authToken)).status).toBe(200);
    await write('Hola, quiero información sobre el casting');
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const aspirant = await findAspirantByWhatsappId(db, NUMBER);
    const [conversation] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, aspirant!.id));
    const id = conversation!.id;
    await t.services.conversations.addNote(NUMBER, ana.id, 'Llamar mañana después del almuerzo');

    const found: Record<string, string[]> = {};
    async function signedIn(context: BrowserContext, email: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.locator('input[type=email]').fill(email);
      await page.locator('input[type=password]').fill(PASSWORD);
      await Promise.all([page.waitForURL(/\/inbox$/), page.locator('form[action="/login"] button[type=submit]').click()]);
      return page;
    }

    for (const [locale, foreign, browserLocale] of [
      ['es', ENGLISH_ONLY, 'es-CO'],
      ['en', SPANISH_ONLY, 'en-GB'],
    ] as const) {
      await setUserPreferences(db, { label: 'test' }, 'ana@agency.co', { locale, timeZone: locale === 'es' ? 'America/Bogota' : 'Europe/Madrid' });
      await setUserPreferences(db, { label: 'test' }, 'luis@agency.co', { locale });
      await using anaContext = Object.assign(await browser.newContext({ locale: browserLocale }), { [Symbol.asyncDispose]: () => anaContext.close() });
      await using luisContext = Object.assign(await browser.newContext({ locale: browserLocale }), { [Symbol.asyncDispose]: () => luisContext.close() });
      const check = async (page: Page, name: string) => void (found[`${locale} ${name}`] = await foreignOn(page, foreign));

      // Before sign-in the browser's language decides.
      const anonymous = await anaContext.newPage();
      await anonymous.goto(`${server.url}/login`);
      await check(anonymous, 'login');
      await anonymous.close();

      const page = await signedIn(anaContext, 'ana@agency.co');
      await check(page, 'inbox');
      await page.goto(`${server.url}/inbox?status=waiting`);
      await check(page, 'waiting list');
      await page.goto(`${server.url}/inbox/${id}`);
      await page.locator(`#presence-${id}`).waitFor({ state: 'attached' });
      await check(page, 'chat and panel');

      // Pushed fragments: a colleague views and types, replies, changes the status; the aspirant writes again.
      const luis = await signedIn(luisContext, 'luis@agency.co');
      await luis.goto(`${server.url}/inbox/${id}`);
      await page.locator(`#presence-${id}`, { hasText: 'Luis' }).waitFor();
      await luis.locator(`#composer-text-${id}`).pressSequentially('Hola');
      await page.locator(`#presence-${id}.is-typing`).waitFor();
      await check(page, 'pushed: typing');
      const reply = `Hola, gracias por escribir; te cuento enseguida (${locale})`;
      await luis.locator(`#composer-text-${id}`).fill(reply);
      await luis.locator(`#composer-text-${id}`).press('Enter');
      await page.locator(`#chat-log-${id} li.msg.from-recruiter`, { hasText: reply }).waitFor();
      // A status her reply did not already set (a reply moves needs_attention to open).
      const status = locale === 'es' ? 'needs_attention' : 'closed';
      await luis.locator(`#status-${id}`).selectOption(status);
      await page.locator(`#status-${id} option[value=${status}][selected]`).waitFor({ state: 'attached' });
      const again = `Sigo esperando, gracias (${locale})`;
      await write(again);
      await page.locator(`#chat-log-${id} li.msg`, { hasText: again }).waitFor();
      await page.locator(`#conv-row-${id}`, { hasText: again }).waitFor();
      await check(page, 'pushed: reply, status, message, row');

      for (const path of ['/admin/users', '/admin/canned', '/admin/audit', '/admin/users/disable?email=luis%40agency.co', '/inbox/999999']) {
        await page.goto(`${server.url}${path}`);
        await check(page, path);
      }
    }

    // The check itself can fail: an English label on the Spanish inbox is found.
    expect(ENGLISH_ONLY.has('unassigned')).toBe(true);
    expect(SPANISH_ONLY.has('asignar')).toBe(true);
    const none = Object.fromEntries(Object.keys(found).map((name) => [name, []]));
    expect(Object.keys(found)).toHaveLength(2 * 11);
    expect(found).toEqual(none);
  });
});
