/**
 * @module test/browser/push.browser.test — the Web Push service worker in Chromium: push.js registers /sw.js under the
 * strict CSP once notifications are allowed; a push (delivered by Chromium's own DevTools hook, as a push service's
 * would be) shows nothing while the inbox is in front, and otherwise one alert per conversation, which a click opens.
 * Chromium here reaches no push service, so the subscription itself is tested with a fake one in test/push.test.ts.
 */
import { describe, expect, test } from 'bun:test';
import { chromium, type Page } from 'playwright-core';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, chromiumPath, signInThroughPage } from '../support/browser';
import { listen } from '../support/listen';
import { tempDir } from '../support/temp';

const PASSWORD = 'una clave larga de prueba';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The alerts the worker shows now: title, body, tag and where a click goes. */
function alerts(page: Page) {
  return page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url: string }).url })));
}

describe.skipIf(!browserAvailable)('Web Push service worker in Chromium', () => {
  test('registers under the CSP, stays quiet while the inbox is in front, alerts once per conversation otherwise, and a click opens it', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    await using server = listen(t);
    // A profile of its own: Chromium's incognito contexts (playwright's default) have no Push API at all.
    using profile = tempDir('wasap-chromium-');
    const context = await chromium.launchPersistentContext(profile.path, { executablePath: chromiumPath, args: FLAGS, locale: 'es-CO' });
    await using _closed = { [Symbol.asyncDispose]: () => context.close() };
    await context.grantPermissions(['notifications'], { origin: server.url });
    await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'recruiter', password: PASSWORD });
    const page = context.pages()[0] ?? (await context.newPage());
    const refused: string[] = [];
    page.on('console', (message) => /Content Security Policy|Refused to/i.test(message.text()) && refused.push(message.text()));
    await signInThroughPage(page, server.url, 'ana@agency.co', PASSWORD);

    const cdp = await context.newCDPSession(page);
    const registered = Promise.withResolvers<string>();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: { registrationId: string; status: string }[] }) => {
      const active = versions.find((v) => v.status === 'activated');
      if (active) registered.resolve(active.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    // What the inbox page's <script src="/assets/push.js" defer> does.
    await page.addScriptTag({ url: '/assets/push.js' });
    const registrationId = await registered.promise;
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(`${server.url}/`);
    await t.waitForLog((line) => line.route === '/push/key' && line.status === '200');

    // A push as the worker gets it, awaited to the end of its handling (the promise it hands to waitUntil).
    const worker = context.serviceWorkers()[0]!;
    const push = (data: object) =>
      worker.evaluate(async (json) => {
        // Worker-only globals, which the page's DOM types do not declare.
        type Extendable = Event & { waitUntil(promise: Promise<unknown>): void };
        const { PushEvent } = globalThis as unknown as { PushEvent: new (type: string, init: { data: string }) => Extendable };
        const event = new PushEvent('push', { data: json });
        const handled: Promise<unknown>[] = [];
        const waitUntil = event.waitUntil.bind(event);
        event.waitUntil = (promise: Promise<unknown>) => (handled.push(promise), waitUntil(promise));
        self.dispatchEvent(event);
        await Promise.all(handled);
      }, JSON.stringify(data));
    // The inbox is in front and alerts on its own: the worker adds nothing.
    await push({ conversationId: 7, title: 'Valentina', body: 'hola', url: '/inbox/7?scope=all' });
    expect(await alerts(page)).toEqual([]);

    // Elsewhere, one alert per conversation: the next message replaces it.
    await page.goto(`${server.url}/privacy`);
    await push({ conversationId: 7, title: 'Valentina', body: 'hola', url: '/inbox/7?scope=all' });
    await push({ conversationId: 7, title: 'Valentina', body: '¿siguen ahí?', url: '/inbox/7?scope=all' });
    await push({ conversationId: 9, title: 'Camila', body: 'buenas', url: 'https://evil.example/phish' });
    const shown = await alerts(page);
    expect(shown.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { title: 'Valentina', body: '¿siguen ahí?', tag: 'conv-row-7', url: `${server.url}/inbox/7?scope=all` },
      // A URL of another site is never opened: the inbox is.
      { title: 'Camila', body: 'buenas', tag: 'conv-row-9', url: `${server.url}/inbox` },
    ]);
    // And through Chromium's own delivery path, as a push service's message arrives.
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId,
      data: JSON.stringify({ conversationId: 9, title: 'Camila', body: 'hola otra vez', url: '/inbox/9?scope=all' }),
    });
    await page.waitForFunction(async () => (await (await navigator.serviceWorker.ready).getNotifications({ tag: 'conv-row-9' }))[0]?.body === 'hola otra vez');

    // A click on an alert takes the open window to the conversation.
    await worker.evaluate(async () => {
      const scope = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent(event: Event): boolean };
      const { NotificationEvent } = globalThis as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event };
      const [notification] = await scope.registration.getNotifications({ tag: 'conv-row-7' });
      scope.dispatchEvent(new NotificationEvent('notificationclick', { notification: notification! }));
    });
    await page.waitForURL(`${server.url}/inbox/7?scope=all`);
    expect(refused).toEqual([]);
  });
});
