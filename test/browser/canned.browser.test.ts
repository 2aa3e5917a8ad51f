/**
 * @module test/browser/canned.browser.test — canned responses through the composer's `/` shortcut in real Chromium: an admin
 * writes one with {firstName} and {agencyName}, the aspirant's form names her, a recruiter picks it with the keyboard, sees
 * the filled text in the box and sends it; Twilio receives it filled. Esc, a mid-sentence `/`, no match, a click, escaping.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { cannedResponses, conversations } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { testApp, type TestApp } from '../support/app';
import { browserAvailable, launchBrowser, screenshotPath, signInThroughPage, sendFormAsValentina } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { formPathFor } from '../support/form';
import { listen, type Listening } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550888';
/** `&` and an accent: the name goes through the server's filling, an HTML attribute and the textarea unchanged. */
const AGENCY = 'Talento Ñandú & Co';
/** Text a browser would misread if it reached an attribute half-escaped (`&amp;` as `&`, `&copy` as ©). */
const TRICKY = 'Estamos en R&D &amp; &copy 2024, "la sede" <b>norte</b>';
const AXE = readFileSync(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir), 'utf8');

/** Runs before the page's scripts: keeps every CSP violation the page reports. */
function recordViolations() {
  const violations: string[] = [];
  Object.assign(window, { violations });
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.sourceFile}:${event.lineNumber}`));
}

async function signIn(browser: Browser, server: Listening, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'es-CO', viewport: { width: 1280, height: 800 } });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  await signInThroughPage(page, server.url, email, PASSWORD);
  return { context, page };
}

/** The aspirant's phone opens her form link and sends it, naming herself Valentina. */
async function submitForm(t: TestApp, browser: Browser, server: Listening): Promise<void> {
  const { path } = await formPathFor(t, (await findAspirantByWhatsappId(t.database.db, NUMBER))!);
  await using phone = Object.assign(await browser.newContext({ viewport: { width: 390, height: 844 } }), { [Symbol.asyncDispose]: () => phone.close() });
  const page = await phone.newPage();
  await page.goto(`${server.url}${path}?lang=en`);
  await sendFormAsValentina(page);
}

/** What the recruiter sees of the reply box and its `/` list (visibility as rendered, CSS included). */
function composerState(page: Page, id: number) {
  return page.evaluate((id) => {
    const box = document.getElementById(`composer-text-${id}`) as HTMLTextAreaElement;
    const popup = document.getElementById(`canned-suggest-${id}`)!;
    const title = (option: Element | null | undefined) => option?.querySelector('.canned-title')?.textContent ?? null;
    const active = box.getAttribute('aria-activedescendant');
    return {
      value: box.value,
      open: popup.checkVisibility(),
      shown: Array.from(popup.querySelectorAll('[role="option"]'))
        .filter((option) => option.checkVisibility())
        .map(title),
      active: active ? title(document.getElementById(active)) : null,
      selected: Array.from(popup.querySelectorAll('[aria-selected="true"]')).map(title),
      none: popup.querySelector('[data-canned-none]')!.checkVisibility(),
      status: document.getElementById(`canned-status-${id}`)!.textContent,
      focused: document.activeElement === box,
    };
  }, id);
}

const closed = (value: string) => ({ value, open: false, shown: [], active: null, selected: [], none: false, status: '', focused: true });
const HINT = '↑ ↓ para elegir · Enter o Tab para insertar · Esc para cerrar';

describe.skipIf(!browserAvailable)('canned responses through `/` in the composer (Chromium)', () => {
  test('an admin’s response, filled for Valentina, is found with /hol, picked with the keyboard, previewed and sent', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: { ...twilioEnv(fake), AGENCY_NAME: AGENCY }, overrides: { bot: false } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    // Her WhatsApp name is not the one her form gives: {firstName} must come from the form.
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, 'Hola, quiero información', { ProfileName: 'Vale 💃' }), fake.authToken)).status).toBe(200);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    await submitForm(t, browser, server);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const aspirant = await findAspirantByWhatsappId(t.database.db, NUMBER);
    expect(aspirant).toMatchObject({ firstName: 'Valentina', whatsappName: 'Vale 💃' });
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, aspirant!.id));
    const id = conversation!.id;

    // The admin writes the response on the admin page, variables and all.
    const admin = await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: PASSWORD });
    const ana = await signIn(browser, server, 'ana@agency.co');
    await ana.page.goto(`${server.url}/admin/canned`);
    const create = ana.page.locator('form[action="/admin/canned"]');
    await create.getByLabel('Título').fill('Saludo');
    await create.getByLabel('Texto').fill('Hola {firstName}, gracias por escribir a {agencyName}');
    await Promise.all([ana.page.waitForURL(/\/admin\/canned$/), create.getByRole('button', { name: 'Guardar' }).click()]);
    await ana.page.locator('.canned-entry', { hasText: 'Saludo' }).waitFor();
    await ana.context.close();
    await t.database.db.insert(cannedResponses).values([
      { title: 'Dirección', body: TRICKY, createdBy: admin.id },
      { title: 'Pago', body: 'El pago depende de la campaña.', createdBy: admin.id },
    ]);

    await addUser(t.database.db, { label: 'test' }, { email: 'luis@agency.co', name: 'Luis', role: 'recruiter', password: PASSWORD });
    const { context, page } = await signIn(browser, server, 'luis@agency.co');
    await page.goto(`${server.url}/inbox/${id}`);
    const box = page.locator(`#composer-text-${id}`);
    const state = () => composerState(page, id);
    const expected = `Hola Valentina, gracias por escribir a ${AGENCY}`;

    // A `/` in the middle of a sentence is just a slash.
    await box.click();
    await box.pressSequentially('Mañana a las 3/hol');
    expect(await state()).toEqual(closed('Mañana a las 3/hol'));

    // After a line break it opens, filtered; Esc closes only the list — not the open ⚡ menu, as the page's Esc would.
    await box.press('Shift+Enter');
    await page.evaluate(() => document.querySelector('details.canned')!.setAttribute('open', ''));
    await box.pressSequentially('/sal');
    expect(await state()).toEqual({ value: 'Mañana a las 3/hol\n/sal', open: true, shown: ['Saludo'], active: 'Saludo', selected: ['Saludo'], none: false, status: HINT, focused: true });
    expect(await box.getAttribute('rows')).toBe('2');
    await box.press('Escape');
    expect(await state()).toEqual(closed('Mañana a las 3/hol\n/sal'));
    expect(await page.locator('details.canned').getAttribute('open')).toBe('');
    // The same `/` stays closed as she goes on typing; with the list closed, Esc is the page's again.
    await box.press('a');
    expect(await state()).toEqual(closed('Mañana a las 3/hol\n/sala'));
    await box.press('Escape');
    expect(await page.locator('details.canned').getAttribute('open')).toBeNull();

    // No match: the note says so, and Enter closes the list instead of sending `/xyz` to her.
    await box.fill('');
    await box.pressSequentially('/xyz');
    expect(await state()).toEqual({ value: '/xyz', open: true, shown: [], active: null, selected: [], none: true, status: 'Ninguna respuesta guardada coincide.', focused: true });
    await box.press('Enter');
    expect(await state()).toEqual(closed('/xyz'));

    // Accents and case aside; a click inserts the text exactly as written, escaping undone once.
    await box.fill('');
    await box.pressSequentially('/DIRECCION');
    expect(await state()).toMatchObject({ open: true, shown: ['Dirección'], active: 'Dirección' });
    await page.getByRole('option', { name: /Dirección/ }).click();
    expect(await state()).toEqual(closed(TRICKY));

    // Arrows move through what matches, round the ends; Tab inserts.
    await box.fill('');
    await box.press('/');
    const all = (await state()).shown;
    expect(all).toHaveLength(3);
    expect((await state()).active).toBe(all[0]!);
    await box.press('ArrowDown');
    expect(await state()).toMatchObject({ active: all[1], selected: [all[1]], value: '/' });
    await box.press('ArrowUp');
    await box.press('ArrowUp');
    expect(await state()).toMatchObject({ active: all[2], selected: [all[2]] });
    await box.press('Tab');
    expect((await state()).value).not.toBe('/');
    expect(await state()).toMatchObject({ open: false, focused: true });

    // The walk-through: /hol, ArrowDown (round to the only match), Enter inserts the filled text — the preview — and Enter sends it.
    await box.fill('');
    await box.pressSequentially('/hol');
    expect(await state()).toEqual({ value: '/hol', open: true, shown: ['Saludo'], active: 'Saludo', selected: ['Saludo'], none: false, status: HINT, focused: true });
    await expect(page.getByRole('option', { name: /Saludo/ }).textContent()).resolves.toContain(expected);
    // caret 'initial': hiding it sets a style attribute on every field, which htmx later copies and the CSP reports.
    await page.screenshot({ path: screenshotPath('canned-slash'), caret: 'initial' });
    await box.press('ArrowDown');
    await box.press('Enter');
    expect(await state()).toEqual(closed(expected));
    expect(fake.messages).toEqual([]);
    await box.press('Enter');
    const [sent, ...others] = await fake.waitForMessages(1);
    expect(others).toEqual([]);
    expect(sent).toMatchObject({ to: `whatsapp:${NUMBER}`, body: expected });
    expect(sent!.body).not.toContain('{');
    await page.waitForFunction((id) => (document.getElementById(`composer-text-${id}`) as HTMLTextAreaElement).value === '', id);
    expect(await box.getAttribute('rows')).toBe('1');
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);

    // axe with the list open (its script is injected, so this context may bypass the CSP checked above).
    await using audit = Object.assign(await browser.newContext({ locale: 'es-CO', bypassCSP: true, storageState: await context.storageState() }), {
      [Symbol.asyncDispose]: () => audit.close(),
    });
    const auditPage = await audit.newPage();
    await auditPage.goto(`${server.url}/inbox/${id}`);
    await auditPage.locator(`#composer-text-${id}`).pressSequentially('/a');
    expect(await composerState(auditPage, id)).toMatchObject({ open: true, active: expect.any(String) });
    await auditPage.addScriptTag({ content: AXE });
    const result = (await auditPage.evaluate(() =>
      (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    )) as { violations: { id: string }[] };
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
    await context.close();
  });
});
