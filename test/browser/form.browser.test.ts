/** @module test/browser/form.browser.test — the aspirant's form in real Chromium: errors beside fields, inline checks, thank-you, bad links. */
import { describe, expect, test } from 'bun:test';
import { asc, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { formSubmissions, messages } from '../../server/db/schema';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, screenshotPath } from '../support/browser';
import { aspirantRow, aspirantWhoWrote, formPathFor, signedToken, STORED_PROFILE } from '../support/form';
import { listen } from '../support/listen';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const REQUIRED_ERRORS = ['firstName', 'lastName', 'location', 'preferredModelingTypes', 'preferredShift', 'birthDate', 'consent'];

/** The error shown for a field, and whether the field points at it (aria-describedby). */
async function errorOf(page: Page, field: string): Promise<{ text: string; tied: boolean }> {
  const text = (await page.locator(`#err-${field}`).innerText()).trim();
  // A single input describes itself; a group of options is described by its fieldset.
  const input = page.locator(`#${field}`);
  const describer = (await input.count()) ? input : page.locator(`fieldset#field-${field}`);
  const tied = ((await describer.getAttribute('aria-describedby')) ?? '').split(' ').includes(`err-${field}`);
  return { text, tied };
}

async function fillForm(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Nombre', exact: true }).fill('Valentina');
  await page.getByRole('textbox', { name: 'Apellidos', exact: true }).fill('Gómez Restrepo');
  await page.getByLabel('Ciudad o región').fill('Medellín, Antioquia');
  await page.getByLabel('Pasarela').check();
  await page.getByLabel('Comercial').check();
  await page.getByRole('radio', { name: 'Tarde' }).check();
  await page.getByRole('checkbox', { name: 'Mañana' }).check();
  await page.getByLabel('Algo más que quieras contarnos').fill('Tengo book.');
  await page.getByLabel('Fecha de nacimiento').fill('1998-05-14');
  // The optional sensitive answers, each under its own authorisation (Law 1581 Art. 6).
  await page.getByLabel('Autorizo el tratamiento de las fotos').check();
  await page.getByRole('radio', { name: 'No', exact: true }).check();
  await page.getByLabel('Autorizo el tratamiento de mi respuesta sobre si tengo hijos.').check();
  await page.getByLabel('Estatura (cm)').fill('175');
  await page.getByLabel('Busto (cm)').fill('86');
  await page.getByLabel('Cintura (cm)').fill('62');
  await page.getByLabel('Cadera (cm)').fill('90');
  await page.keyboard.press('Tab');
  // An answer before its box: the inline check says so on the box at once, and ticking the box clears it.
  await page.locator('#err-consentMeasurements').filter({ hasText: 'Para guardar tus medidas' }).waitFor();
  await page.getByLabel('Autorizo el tratamiento de mis medidas.').check();
  await page.waitForFunction(() => document.querySelector('#err-consentMeasurements')?.textContent === '');
  // Keyboard only for the required consent: focus, then Space, as a keyboard user would.
  await page.getByLabel('Autorizo el tratamiento de mis datos personales').focus();
  await page.keyboard.press('Space');
}

describe.skipIf(!browserAvailable)('aspirant form in Chromium', () => {
  test('open the link, submit empty → each error beside its field; fix it → thank-you, and the profile has every field', async () => {
    await using t = await testApp();
    await using server = listen(t);
    await using browser = await launchBrowser();
    const number = '+573003330001';
    const aspirant = await aspirantWhoWrote(t, number, 'Valentina <script>alert(1)</script>');
    // The link the bot sent on WhatsApp (its host is PUBLIC_URL; the path is opened on this server).
    const { path, fromBot } = await formPathFor(t, aspirant);
    expect(fromBot).toBe(true);
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: 'es-CO' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));

    const opened = await page.goto(server.url + path);
    expect(opened?.status()).toBe(200);
    expect(await page.inputValue('#firstName')).toBe('Valentina');
    // A stored name that looks like markup is shown as text and never runs.
    expect(await page.inputValue('#lastName')).toBe('<script>alert(1)</script>');
    await page.screenshot({ path: screenshotPath('form-phone'), fullPage: true });

    // Inline check (htmx): a bad email gets its error when the field is left, and loses it when fixed.
    await page.getByLabel('Correo electrónico').fill('vale@');
    await page.keyboard.press('Tab');
    await page.locator('#err-email').filter({ hasText: 'Escribe un correo válido' }).waitFor();
    await page.getByLabel('Correo electrónico').fill('vale@example.co');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => document.querySelector('#err-email')?.textContent === '');

    await page.getByRole('textbox', { name: 'Nombre', exact: true }).fill('');
    await page.getByRole('textbox', { name: 'Apellidos', exact: true }).fill('');
    await page.getByRole('button', { name: 'Enviar mis datos' }).click();
    await page.waitForSelector('.error-summary');
    // Keyboard and screen-reader users land on the list of problems; each links to its field.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    for (const field of REQUIRED_ERRORS) {
      const error = await errorOf(page, field);
      expect(error.text.length).toBeGreaterThan(0);
      expect(error.tied).toBe(true);
    }
    expect(await page.inputValue('#email')).toBe('vale@example.co');
    expect(await page.getAttribute('#firstName', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: screenshotPath('form-phone-errors'), fullPage: true });

    await fillForm(page);
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: 'Enviar mis datos' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('¡Gracias, Valentina!');
    expect(await page.locator('.next-steps').innerText()).toContain('te pediremos una foto');
    await page.screenshot({ path: screenshotPath('thanks-phone'), fullPage: true });

    // The form reached the conversation actor: it has written the profile.
    await t.services.conversations.registry.ask(number, () => null);
    const row = await aspirantRow(t, aspirant.id);
    expect(row).toMatchObject({ ...STORED_PROFILE, locale: 'es' });
    expect(row.formSubmittedAt).toBeInstanceOf(Date);
    expect(row.consentAt).toBeInstanceOf(Date);
    expect(await t.database.db.select().from(formSubmissions)).toHaveLength(1);
    // The bot moved on: its photo request was written after the form and went out through the outbox.
    await t.services.outbox.idle();
    const botMessages = await t.database.db.select({ id: messages.id, body: messages.body, status: messages.status }).from(messages).where(eq(messages.sender, 'bot')).orderBy(asc(messages.id));
    const photoRequest = botMessages.find((message) => message.id > (botMessages.find((m) => m.body.includes('/f/v1.'))?.id ?? 0) && /foto|photo/i.test(message.body));
    expect(photoRequest).toBeDefined();
    expect(['sent', 'delivered', 'read']).toContain(photoRequest!.status);
    expect(dialogs).toEqual([]);

    const desktop = await browser.newContext({ viewport: DESKTOP });
    const wide = await desktop.newPage();
    await wide.goto(`${server.url}${path}?lang=en`);
    expect(await wide.getByRole('heading', { level: 1 }).innerText()).toBe('Your details for Wasap Talent');
    // Pre-filled from the submission just made; consent is asked again.
    expect(await wide.inputValue('#location')).toBe('Medellín, Antioquia');
    expect(await wide.isChecked('#consent')).toBe(false);
    await wide.screenshot({ path: screenshotPath('form-desktop'), fullPage: true });
  });

  test('tampered, expired and unknown links each get the friendly page and no data', async () => {
    await using t = await testApp();
    await using server = listen(t);
    await using browser = await launchBrowser();
    const aspirant = await aspirantWhoWrote(t, '+573003330002', 'Bea Privada');
    const token = signedToken(t, aspirant.id);
    const tampered = token.replace(/\.(\d+)\./, (_m, exp: string) => `.${Number(exp) + 3600}.`);
    const cases = [
      { name: 'tampered', token: tampered, status: 404, says: 'No pudimos abrir el formulario' },
      { name: 'expired', token: signedToken(t, aspirant.id, Date.now() - 8 * 86_400_000, 86_400_000), status: 410, says: 'Este enlace ya venció' },
      { name: 'unknown', token: signedToken(t, aspirant.id + 500), status: 404, says: 'No pudimos abrir el formulario' },
    ];
    const context = await browser.newContext({ viewport: PHONE, locale: 'es-CO' });
    const page = await context.newPage();
    for (const { name, token: bad, status, says } of cases) {
      const response = await page.goto(`${server.url}/f/${bad}`);
      expect(response?.status()).toBe(status);
      const text = await page.locator('body').innerText();
      expect(text).toContain(says);
      expect(text).toContain('pide un enlace nuevo');
      expect(text).not.toContain('Bea');
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.content()).not.toContain(bad);
      if (name === 'expired') await page.screenshot({ path: screenshotPath('link-expired-phone') });
    }
    expect(await t.database.db.select().from(formSubmissions)).toHaveLength(0);
  });
});
