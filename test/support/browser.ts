/** @module test/support/browser — Chromium through playwright-core; suites skip, loudly, when it is not installed. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.WASAP_CHROMIUM ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(chromiumPath);

// Never skip silently: a missing browser is one clear line in the test output.
if (!browserAvailable) console.warn(`browser tests skipped: no Chromium at ${chromiumPath}`);

/** Flags verified on this kind of machine (see STACK-NOTES): no sandbox in containers, no network chatter. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}

/** `.test-artifacts/screenshots/<name>.png` (gitignored), for a person to look at. */
export function screenshotPath(name: string): string {
  const dir = join(import.meta.dir, '..', '..', '.test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Signs in through the real Spanish /login page (`base` is the server's URL) and waits for the inbox. */
export async function signInThroughPage(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Correo').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await Promise.all([page.waitForURL(/\/inbox$/), page.getByRole('button', { name: /Entrar/ }).click()]);
}

/** Fills the aspirant's form in English (opened with `?lang=en`, for short labels) as Valentina Gómez and sends it. */
export async function sendFormAsValentina(page: Page, notes?: string): Promise<void> {
  await page.getByLabel('First name').fill('Valentina');
  await page.getByLabel('Last name').fill('Gómez');
  await page.getByLabel('City or region').fill('Medellín, Antioquia');
  await page.getByLabel('Runway').check();
  await page.getByRole('radio', { name: 'Afternoon' }).check();
  if (notes !== undefined) await page.getByLabel('Anything else you want to tell us').fill(notes);
  await page.getByLabel('Date of birth').fill('1998-05-14');
  // "Do you have children?" is optional and kept only under its own authorisation (Law 1581 Art. 6).
  await page.getByLabel('I authorise the processing of my answer about whether I have children.').check();
  await page.getByRole('radio', { name: 'No', exact: true }).check();
  await page.getByLabel('I consent to the processing').check();
  await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: 'Send my details' }).click()]);
}
