/** @module test/browser/install.browser.test — the inbox is installable as a web app (Chromium's own check), under the strict CSP. */
import { describe, expect, test } from 'bun:test';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser';
import { listen } from '../support/listen';

const PASSWORD = 'una clave larga de prueba';

describe.skipIf(!browserAvailable)('installable web app in Chromium', () => {
  test('the signed-in inbox has a manifest Chromium accepts for installing, and the CSP lets it load', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'recruiter', password: PASSWORD });
    const context = await browser.newContext({ locale: 'es-CO', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => /Content Security Policy|Refused to/i.test(message.text()) && refused.push(message.text()));
    await signInThroughPage(page, server.url, 'ana@agency.co', PASSWORD);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
    expect(manifest.url).toBe(`${server.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    expect(JSON.parse(manifest.data!)).toMatchObject({ name: 'Wasap', start_url: '/inbox', display: 'standalone' });
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    // A test's browser context is incognito, where Chromium installs nothing whatever the page: that one is the test's.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    expect(refused).toEqual([]);
  });
});
