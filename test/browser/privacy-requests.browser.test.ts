/**
 * @module test/browser/privacy-requests.browser.test — an admin handles a data-subject request from the queue to done,
 * in real Chromium (Law 1581 Arts. 14–15): Valentina writes through the simulator's webhook, opens her form link and
 * asks, on /privacy/request (phone-sized), to correct her data (a claim); the admin sees it in /admin/privacy/requests
 * with its due day, opens it, tags it "reclamo en trámite", extends it with a reason, closes it with an answer — it
 * leaves the open queue and shows as done — and Valentina's simulated phone shows the extension and the answer. A
 * close without a choice says so beside the choice (it said nothing before). Axe finds nothing on the pages, which
 * fit a phone's width.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { dataSubjectRequests, users } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { translator } from '../../views/i18n';
import { dayLabel } from '../../views/privacy/requests-badges';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, screenshotPath, signInThroughPage } from '../support/browser';
import { aspirantWhoWrote, formPathFor } from '../support/form';
import { listen } from '../support/listen';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550999';
const ANSWER = 'Corregimos tu ciudad a Medellín.';
const REASON = 'revisamos tus documentos con el área legal';
const AXE = readFileSync(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir), 'utf8');

describe.skipIf(!browserAvailable)('data-subject requests (Chromium)', () => {
  test('an admin handles a request from the queue to done; she is told on WhatsApp', async () => {
    await using t = await testApp('pglite');
    await using server = listen(t);
    await using browser = await launchBrowser();
    const { db } = t.database;

    // She writes on WhatsApp (the simulator's webhook path); the bot answers with her form link.
    const aspirant = await aspirantWhoWrote(t, NUMBER);
    await t.services.outbox.idle();
    const { path } = await formPathFor(t, aspirant);
    const phone = await browser.newContext({ locale: 'es-CO', viewport: { width: 390, height: 844 }, isMobile: true });
    const her = await phone.newPage();
    await her.goto(`${server.url}${path}`);
    await Promise.all([her.waitForURL(/\/privacy\/request\?/), her.getByRole('link', { name: 'Conocer, corregir o borrar tus datos' }).click()]);
    await her.getByLabel('Actualizar o corregir mis datos').check();
    await her.getByLabel('Cuéntanos (opcional)').fill('Mi ciudad es Medellín, no Bogotá.');
    await her.getByRole('button', { name: 'Enviar solicitud' }).click();
    await her.getByText('Recibimos tu solicitud.').waitFor();
    const [request] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.aspirantId, aspirant.id));
    expect(request).toMatchObject({ right: 'rectification', category: 'claim', channel: 'form', status: 'received' });
    const id = request!.id;

    // The admin's queue: the request with its due day and the day the claim must be tagged by.
    await addUser(db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: PASSWORD });
    const [admin] = await db.select({ locale: users.locale, timeZone: users.timeZone }).from(users).where(eq(users.email, 'ana@agency.co'));
    const i18n = translator(admin!.locale, admin!.timeZone);
    const context = await browser.newContext({ locale: 'es-CO', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'ana@agency.co', PASSWORD);
    await page.goto(`${server.url}/admin/privacy/requests`);
    const row = page.locator(`#request-${id}`);
    await expect(row.textContent()).resolves.toContain(dayLabel(i18n, request!.dueOn));
    expect(await row.textContent()).toContain('días hábiles');
    expect(await row.textContent()).toContain(`Etiquetar 'reclamo en trámite' antes del ${dayLabel(i18n, request!.tagDueOn!)}`);
    await page.screenshot({ path: screenshotPath('privacy-requests-queue') });

    // Open it; tag it; extend it with a reason she is told.
    await Promise.all([page.waitForURL(new RegExp(`/admin/privacy/requests/${id}$`)), row.getByRole('link', { name: 'Actualizar o rectificar' }).click()]);
    expect(await page.locator('.request-words').textContent()).toBe('Mi ciudad es Medellín, no Bogotá.');
    await Promise.all([page.waitForURL(/done=tagged/), page.getByRole('button', { name: "Etiquetar 'reclamo en trámite'" }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Solicitud marcada en trámite.');
    expect(await page.locator('.request-facts').textContent()).toContain('En trámite desde el');
    await page.getByLabel('Motivo (se le envía)').fill(REASON);
    await Promise.all([page.waitForURL(/done=extended/), page.getByRole('button', { name: 'Prorrogar el plazo' }).click()]);
    const extended = (await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, id)))[0]!;
    expect(await page.getByRole('status').textContent()).toBe(`Plazo prorrogado hasta el ${dayLabel(i18n, extended.extendedDueOn!)}. Se le avisó por WhatsApp.`);
    await page.screenshot({ path: screenshotPath('privacy-request-detail'), fullPage: true });

    // Close it as done with the answer she is sent. Without a choice (past the browser's check) the page says what is
    // missing beside the choice, her answer kept.
    await page.getByLabel('Respuesta (se le envía por WhatsApp)').fill(ANSWER);
    await page.locator('input[name=status]').evaluateAll((radios: HTMLInputElement[]) => radios.forEach((r) => ((r.checked = false), (r.required = false))));
    await page.getByRole('button', { name: 'Cerrar la solicitud' }).click();
    await page.locator('#request-status-error').waitFor();
    expect(await page.locator('#request-status-error').textContent()).toBe('Elige si quedó atendida o rechazada.');
    expect(await page.getByLabel('Respuesta (se le envía por WhatsApp)').inputValue()).toBe(ANSWER);
    await page.getByRole('radio', { name: 'Atendida' }).check();
    await Promise.all([page.waitForURL(/done=resolved/), page.getByRole('button', { name: 'Cerrar la solicitud' }).click()]);
    expect(await page.getByRole('status').textContent()).toBe('Solicitud cerrada. Se le avisó por WhatsApp.');
    expect(await page.getByRole('button', { name: 'Cerrar la solicitud' }).count()).toBe(0);

    // It has left the open queue and shows as done among the closed ones.
    await page.goto(`${server.url}/admin/privacy/requests`);
    expect(await page.locator(`#request-${id}`).count()).toBe(0);
    await Promise.all([page.waitForURL(/show=closed/), page.getByRole('link', { name: 'Cerradas' }).click()]);
    expect(await page.locator(`#request-${id}`).textContent()).toContain('Atendida');

    // Her phone (the simulator) shows both messages.
    await t.services.outbox.idle();
    await t.services.simulator!.idle();
    await her.goto(`${server.url}/dev/phone?number=${encodeURIComponent(NUMBER)}`);
    await her.getByText(`Respuesta a tu solicitud de datos personales: ${ANSWER}`).waitFor();
    await her.getByText(`necesitamos más tiempo para responderte (${REASON})`).waitFor();
    await phone.close();

    // Axe finds nothing on the personal-data pages, on a desk and on a phone (a context without CSP, to inject it).
    await using audit = Object.assign(await browser.newContext({ locale: 'es-CO', bypassCSP: true, storageState: await context.storageState() }), {
      [Symbol.asyncDispose]: () => audit.close(),
    });
    const auditPage = await audit.newPage();
    for (const width of [1280, 390]) {
      await auditPage.setViewportSize({ width, height: 844 });
      for (const path of ['/admin/privacy/requests?show=closed', `/admin/privacy/requests/${id}`, '/admin/privacy/retention']) {
        await auditPage.goto(`${server.url}${path}`);
        await auditPage.addScriptTag({ content: AXE });
        const result = (await auditPage.evaluate(() =>
          (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
        )) as { violations: { id: string }[] };
        expect({ path, width, violations: result.violations.map((violation) => violation.id) }).toEqual({ path, width, violations: [] });
        // Nothing wider than the phone.
        expect(await auditPage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      }
    }
    await auditPage.screenshot({ path: screenshotPath('privacy-retention-phone'), fullPage: true });
    await context.close();
  });
});
