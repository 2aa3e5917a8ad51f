/**
 * @module test/browser/templates.browser.test — a template once the window has closed, in real Chromium: the
 * provider's approved templates synced at start, the first one open with her first name filled in, an empty value
 * stopped by the browser, the send through htmx reaching Twilio as ContentSid + ContentVariables, and the chat
 * showing the filled text. No CSP violation; axe finds nothing on the closed composer.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { conversations } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, screenshotPath, signInThroughPage } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { textContent } from '../support/fake-twilio-content';
import { listen } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550777';
const AXE = readFileSync(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir), 'utf8');

describe.skipIf(!browserAvailable)('templates in the composer (Chromium)', () => {
  test('the first template is open with her name; an empty value is stopped; the send reaches Twilio and the chat shows the text', async () => {
    await using fake = startFakeTwilio();
    const follow = textContent({ name: 'Seguimiento', body: 'Hola {{1}}, ¿seguimos con tu proceso en {{2}}?' });
    const reminder = textContent({ name: 'Recordatorio', body: 'Te esperamos el {{1}} en la agencia.' });
    fake.contents.push(follow, reminder);
    let now = Date.now();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false, now: () => now } });
    await t.waitForLog((line) => line.msg === 'templates synced');
    await using server = listen(t);
    await using browser = await launchBrowser();
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, 'Hola', { ProfileName: 'Valentina Gómez' }), fake.authToken)).status).toBe(200);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
    const id = conversation!.id;
    now += 25 * 3_600_000;

    await addUser(t.database.db, { label: 'test' }, { email: 'luis@agency.co', name: 'Luis', role: 'recruiter', password: PASSWORD });
    const context = await browser.newContext({ locale: 'es-CO', viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => {
      const violations: string[] = [];
      Object.assign(window, { violations });
      document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.sourceFile}:${event.lineNumber}`));
    });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'luis@agency.co', PASSWORD);
    await page.goto(`${server.url}/inbox/${id}`);

    // By name: Recordatorio first, open; Seguimiento closed until she picks it.
    const options = page.locator('.template-option');
    expect(await options.locator('.template-name').allTextContents()).toEqual(['Recordatorio', 'Seguimiento']);
    await options.nth(1).locator('summary').click();
    const form = options.nth(1).locator('form');
    const first = form.getByRole('textbox', { name: 'Valor de 1' });
    const second = form.getByRole('textbox', { name: 'Valor de 2' });
    expect(await first.inputValue()).toBe('Valentina');
    expect(await second.inputValue()).toBe('');
    await page.screenshot({ path: screenshotPath('template-picker'), caret: 'initial' });

    // Empty, the browser refuses to submit: nothing reaches the server.
    await form.getByRole('button', { name: 'Enviar plantilla' }).click();
    expect(await second.evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
    expect(fake.requests).toEqual([]);

    await second.fill('Medellín');
    await form.getByRole('button', { name: 'Enviar plantilla' }).click();
    const [sent] = await fake.waitForMessages(1);
    expect(sent).toMatchObject({ to: `whatsapp:${NUMBER}`, contentSid: follow.sid, contentVariables: JSON.stringify({ 1: 'Valentina', 2: 'Medellín' }) });
    // The bubble (and the list row's preview) read the filled text.
    await page.locator('.msg-body', { hasText: 'Hola Valentina, ¿seguimos con tu proceso en Medellín?' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);

    await using audit = Object.assign(await browser.newContext({ locale: 'es-CO', bypassCSP: true, storageState: await context.storageState() }), {
      [Symbol.asyncDispose]: () => audit.close(),
    });
    const auditPage = await audit.newPage();
    await auditPage.goto(`${server.url}/inbox/${id}`);
    await auditPage.addScriptTag({ content: AXE });
    const result = (await auditPage.evaluate(() =>
      (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    )) as { violations: { id: string }[] };
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
    await context.close();
  });
});
