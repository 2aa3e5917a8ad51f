/** @module test/browser/csp.browser.test — the inbox, admin and form pages in Chromium under the strict CSP: no violation, live updates, media retry. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { conversations, media } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { formPathFor } from '../support/form';
import { listen } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));
const NUMBER = '+573105550123';
const OTHER = '+573105550124';

/** Runs before the page's scripts: keeps every CSP violation the page reports. */
function recordViolations() {
  const violations: string[] = [];
  Object.assign(window, { violations });
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
}

async function violationsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { violations: string[] }).violations);
}

describe.skipIf(!browserAvailable)('strict CSP in Chromium', () => {
  test('login, inbox (live push, media retry), admin pages and the form run with no violation', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false, mediaRetryDelaysMs: [0, 0] } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    const missing = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
    const params = inboundParams(fake, NUMBER, 'mi foto', { NumMedia: '1', MediaUrl0: missing, MediaContentType0: 'image/png' });
    expect((await signedPost(t, '/webhooks/twilio', params, fake.authToken)).status).toBe(200);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const aspirant = await findAspirantByWhatsappId(t.database.db, NUMBER);
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, aspirant!.id));
    const id = conversation!.id;

    await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: PASSWORD });
    const context = await browser.newContext({ locale: 'es-CO' });
    await context.addInitScript(recordViolations);
    const page = await context.newPage();
    const consoleCsp: string[] = [];
    page.on('console', (message) => /Content Security Policy|Refused to/i.test(message.text()) && consoleCsp.push(message.text()));
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));

    await signInThroughPage(page, server.url, 'ana@agency.co', PASSWORD);
    expect(await violationsOf(page)).toEqual([]);

    await page.goto(`${server.url}/inbox/${id}`);
    const retry = page.locator(`#chat-log-${id} .media-unavailable button`, { hasText: 'Reintentar la descarga' });
    await retry.waitFor();
    await expect(page.locator(`#conv-row-${id} .conv-link`).getAttribute('aria-current')).resolves.toBe('page');
    const avatar = await page.locator(`#conv-row-${id} .avatar`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(avatar).not.toBe('rgba(0, 0, 0, 0)');

    // Later the file is reachable; the recruiter's retry (htmx, CSRF header from the page) stores it and the push shows it.
    await t.database.db.update(media).set({ sourceUrl: fake.addMedia(PNG, 'image/png') });
    const [retried] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/retry')), retry.click()]);
    expect(retried.status()).toBe(200);
    await page.locator(`#chat-log-${id} img[src^="/media/"]`).waitFor();

    // Another conversation's message is pushed over the socket; then one in the open conversation re-renders its row.
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, OTHER, 'hola'), fake.authToken)).status).toBe(200);
    await page.locator('#conv-list > li.conv-row', { hasText: 'hola' }).first().waitFor();
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, 'otra más'), fake.authToken)).status).toBe(200);
    await page.locator(`#chat-log-${id} li.msg`, { hasText: 'otra más' }).waitFor();
    await page.waitForFunction((rowId) => document.querySelector('#conv-list > li.conv-row')?.id === `conv-row-${rowId}`, id);
    expect(await page.locator(`#conv-row-${id} .conv-link`).getAttribute('aria-current')).toBe('page');
    expect(sockets.some((url) => url.endsWith('/live'))).toBe(true);
    expect(await violationsOf(page)).toEqual([]);

    for (const path of ['/admin/users', '/admin/canned', '/admin/audit', (await formPathFor(t, aspirant!)).path, '/no/such/page']) {
      await page.goto(`${server.url}${path}`);
      expect({ path, violations: await violationsOf(page) }).toEqual({ path, violations: [] });
    }
    expect(consoleCsp).toEqual([]);
  });
});
