/** @module test/browser/inbox.browser.test — the recruiter inbox in real Chromium: signed webhooks live, replies, ticks, a second recruiter, the form, a dropped socket, hostile text. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { findAspirantByWhatsappId } from '../../server/db/queries/aspirants';
import { conversations } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { testApp, type TestApp } from '../support/app';
import { browserAvailable, launchBrowser, screenshotPath, signInThroughPage, sendFormAsValentina } from '../support/browser';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { formPathFor } from '../support/form';
import { listen, type Listening } from '../support/listen';
import { inboundParams, PUBLIC_URL, statusParams, twilioEnv } from '../support/twilio-env';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const PASSWORD = 'una clave larga de prueba';
const HOSTILE = '<img src=x onerror=alert(1)> <script>alert(2)</script>';

/** The fake Twilio, the app on a real socket (no bot: its greetings would replace the previews looked for) and Chromium. */
interface Rig extends AsyncDisposable {
  fake: FakeTwilio;
  t: TestApp;
  server: Listening;
  browser: Browser;
}

async function rig(): Promise<Rig> {
  const fake = startFakeTwilio();
  const t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
  const server = listen(t);
  const browser = await launchBrowser();
  return {
    fake,
    t,
    server,
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await server[Symbol.asyncDispose]();
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

/** POSTs to the listening server, signed as Twilio signs (PUBLIC_URL + path and every field). */
async function webhook(r: Rig, path: '/webhooks/twilio' | '/webhooks/twilio/status', params: Record<string, string>): Promise<void> {
  const signature = computeTwilioSignature(r.fake.authToken, PUBLIC_URL + path, params);
  const response = await fetch(r.server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(200);
}

function aspirantWrites(r: Rig, number: string, body: string, profileName = 'Valentina'): Promise<void> {
  return webhook(r, '/webhooks/twilio', inboundParams(r.fake, number, body, { ProfileName: profileName }));
}

/** Resolves once the aspirant's actor has handled everything sent so far, with their conversation id. */
async function conversationOf(r: Rig, number: string): Promise<number> {
  await r.t.services.conversations.registry.ask(number, () => null);
  const aspirant = await findAspirantByWhatsappId(r.t.database.db, number);
  const [row] = await r.t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.aspirantId, aspirant!.id));
  return row!.id;
}

/**
 * Runs in each recruiter page before its own scripts: counts /live connections (htmx's event), and lets the
 * test drop the socket and keep it down, as a lost network would: while `down`, handshakes go to a path
 * with no WebSocket and fail, so htmx keeps retrying until the test restores it.
 */
function liveSwitch() {
  const live = { connections: 0, down: false, sockets: [] as WebSocket[] };
  Object.assign(window, { live });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(live.down ? String(url).replace(/\/live$/, '/live-unreachable') : url, protocols);
      live.sockets.push(this);
    }
  };
  document.addEventListener('htmx:ws:after:connection', () => live.connections++);
}

/** The page's window as liveSwitch and markDocument leave it. */
type TestWindow = { live: { connections: number; down: boolean; sockets: WebSocket[] }; sameDocument?: boolean };

interface Recruiter {
  page: Page;
  dialogs: string[];
  /** Resolves when the page's socket next receives a frame containing `text`; call it before the action that causes it. */
  nextFrame(text: string): Promise<void>;
}

/** Every frame any of the page's sockets receives, offered to the waiters. */
function frameWaiters(page: Page): Recruiter['nextFrame'] {
  const waiters = new Set<{ text: string; resolve: () => void }>();
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      for (const waiter of waiters) if (String(payload).includes(waiter.text)) (waiters.delete(waiter), waiter.resolve());
    }),
  );
  return function nextFrame(text) {
    const { promise, resolve } = Promise.withResolvers<void>();
    waiters.add({ text, resolve });
    return promise;
  };
}

/** Signs in through the real /login page and waits for the inbox's socket. */
async function signIn(r: Rig, who: { email: string; name: string; role: 'admin' | 'recruiter' }, viewport: typeof PHONE): Promise<Recruiter> {
  await addUser(r.t.database.db, { label: 'test' }, { ...who, password: PASSWORD });
  const context = await r.browser.newContext({ viewport, locale: 'es-CO' });
  await context.addInitScript(liveSwitch);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
  const nextFrame = frameWaiters(page);
  await signInThroughPage(page, r.server.url, who.email, PASSWORD);
  await page.waitForFunction(() => (window as unknown as TestWindow).live.connections >= 1);
  return { page, dialogs, nextFrame };
}

/** Opens a conversation from the list; resolves once the server has subscribed this tab (its presence line arrives). */
async function openConversation({ page, nextFrame }: Recruiter, id: number): Promise<void> {
  const subscribed = nextFrame(`presence-${id}`);
  await Promise.all([page.waitForURL(new RegExp(`/inbox/${id}(\\?|$)`)), page.locator(`#conv-row-${id} a`).click()]);
  await subscribed;
}

function rowIds(page: Page): Promise<string[]> {
  return page.locator('#conv-list > li.conv-row').evaluateAll((rows) => rows.map((row) => row.id));
}

async function topRow(page: Page, id: number): Promise<void> {
  await page.waitForFunction((want) => document.querySelector('#conv-list > li.conv-row')?.id === `conv-row-${want}`, id);
}

function bubble(page: Page, id: number, text: string) {
  return page.locator(`#chat-log-${id} li.msg`, { hasText: text });
}

/** A full reload would lose this mark; live updates keep it. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => void Object.assign(window, { sameDocument: true }));
}

function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as TestWindow).sameDocument === true);
}

/** The aspirant's phone opens the form link and sends it (in English, for short labels). */
async function submitForm(r: Rig, number: string, notes: string): Promise<void> {
  const aspirant = await findAspirantByWhatsappId(r.t.database.db, number);
  const { path } = await formPathFor(r.t, aspirant!);
  const context = await r.browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(`${r.server.url}${path}?lang=en`);
  await sendFormAsValentina(page, notes);
  await context.close();
}

async function panelShows(page: Page, id: number, text: string): Promise<void> {
  await page.locator(`#aspirant-${id} dl.facts`, { hasText: text }).waitFor({ state: 'attached' });
}

/** The page's socket goes down and stays down until `restore()`; resolves once it is closed (a clean close: the server has seen it too). */
async function dropSocket(page: Page): Promise<{ restore(): Promise<void> }> {
  const before = await page.evaluate(() => (window as unknown as TestWindow).live.connections);
  await page.evaluate(() => {
    const live = (window as unknown as TestWindow).live;
    live.down = true;
    for (const socket of live.sockets) socket.close();
  });
  await page.waitForFunction(() => (window as unknown as TestWindow).live.sockets.every((socket) => socket.readyState === WebSocket.CLOSED));
  return {
    async restore() {
      await page.evaluate(() => void ((window as unknown as TestWindow).live.down = false));
      await page.waitForFunction((n) => (window as unknown as TestWindow).live.connections > n, before);
    },
  };
}

/** Nothing the aspirant wrote became markup: no injected images, handlers or scripts in the document. */
function injected(page: Page): Promise<{ images: number; handlers: number; scripts: number }> {
  return page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    scripts: Array.from(document.scripts).filter((script) => script.textContent?.includes('alert')).length,
  }));
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).trim();
}

/** Where the hostile WhatsApp name and messages show whatever the form changed: list preview, chat, panel. */
async function expectHostileAsText(page: Page, id: number, latest: string): Promise<void> {
  expect(await textOf(page, `#conv-row-${id} .conv-preview`)).toBe(latest);
  expect(await bubble(page, id, 'onerror').locator('.msg-body').innerText()).toBe(HOSTILE);
  expect(await textOf(page, `#aspirant-${id} .aspirant-head`)).toContain(`WhatsApp: ${HOSTILE}`);
  expect(await injected(page)).toEqual({ images: 0, handlers: 0, scripts: 0 });
}

describe.skipIf(!browserAvailable)('recruiter inbox in Chromium', () => {
  test('webhooks, a reply, ticks, a second recruiter and the form arrive live; a dropped socket loses nothing', async () => {
    await using r = await rig();
    const [valentina, camila, sofia, daniela] = ['+573001112233', '+573004445566', '+573007778899', '+573005550000'];
    await aspirantWrites(r, valentina, 'Hola, quiero ser modelo');
    const vid = await conversationOf(r, valentina);
    await aspirantWrites(r, camila, 'Buenas tardes', 'Camila');
    const cid = await conversationOf(r, camila);

    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Recruiter', role: 'recruiter' }, DESKTOP);
    expect(await rowIds(ana.page)).toEqual([`conv-row-${cid}`, `conv-row-${vid}`]);
    await openConversation(ana, vid);
    await markDocument(ana.page);

    // A new aspirant writes: her row appears at the top, no reload.
    await aspirantWrites(r, sofia, 'Hola! Vi su anuncio', 'Sofía');
    const sid = await conversationOf(r, sofia);
    await topRow(ana.page, sid);
    expect(await ana.page.locator(`#conv-row-${sid} .conv-preview`).innerText()).toBe('Hola! Vi su anuncio');
    // The open conversation's aspirant writes: back to the top, and in the open chat.
    await aspirantWrites(r, valentina, '¿Cuánto pagan?');
    await bubble(ana.page, vid, '¿Cuánto pagan?').waitFor();
    await topRow(ana.page, vid);
    expect(await ana.page.locator(`#conv-row-${vid} .conv-preview`).innerText()).toBe('¿Cuánto pagan?');
    expect(await sameDocument(ana.page)).toBe(true);

    // A second recruiter, on a phone, opens the same (unassigned) conversation.
    const bruno = await signIn(r, { email: 'bruno@wasap.test', name: 'Bruno Recruiter', role: 'recruiter' }, PHONE);
    await bruno.page.screenshot({ path: screenshotPath('inbox-phone-list') });
    await openConversation(bruno, vid);

    // Ana replies: the fake Twilio gets exactly that text for that number; Bruno sees it live.
    const reply = 'Hola Valentina 👋 Te cuento: el pago depende del trabajo.';
    await ana.page.getByLabel('Respuesta', { exact: true }).fill(reply);
    await ana.page.getByRole('button', { name: 'Enviar', exact: true }).click();
    await bubble(ana.page, vid, reply).locator('.ticks-pending').waitFor();
    await bubble(bruno.page, vid, reply).waitFor();
    expect(await ana.page.getByLabel('Respuesta', { exact: true }).inputValue()).toBe('');
    const [sent, ...others] = await r.fake.waitForMessages(1);
    expect(others).toEqual([]);
    expect(sent).toMatchObject({ to: `whatsapp:${valentina}`, body: reply });

    // Twilio reports sent, then delivered: the tick changes live for both recruiters.
    await webhook(r, '/webhooks/twilio/status', statusParams(r.fake, sent!.sid, valentina, 'sent'));
    await bubble(ana.page, vid, reply).locator('.ticks-sent').waitFor();
    await webhook(r, '/webhooks/twilio/status', statusParams(r.fake, sent!.sid, valentina, 'delivered'));
    await bubble(ana.page, vid, reply).locator('.ticks-delivered').waitFor();
    await bubble(bruno.page, vid, reply).locator('.ticks-delivered').waitFor();

    // The aspirant sends the form from her phone: the panel fills in for both recruiters.
    await submitForm(r, valentina, 'Mido 1,75 m.');
    await panelShows(ana.page, vid, 'Medellín, Antioquia');
    await panelShows(bruno.page, vid, 'Medellín, Antioquia');
    expect(await ana.page.locator(`#aspirant-${vid} dl.facts`).innerText()).toContain('Mido 1,75 m.');
    expect(await sameDocument(ana.page)).toBe(true);
    await ana.page.screenshot({ path: screenshotPath('inbox-desktop') });
    await bruno.page.screenshot({ path: screenshotPath('inbox-phone') });

    // Ana's connection drops. Meanwhile a message (Bruno sees it, Ana cannot), a new conversation, a read receipt.
    const link = await dropSocket(ana.page);
    await aspirantWrites(r, valentina, '¿Sigues ahí?');
    await bubble(bruno.page, vid, '¿Sigues ahí?').waitFor();
    expect(await bubble(ana.page, vid, '¿Sigues ahí?').count()).toBe(0);
    await aspirantWrites(r, daniela, 'Buenas noches', 'Daniela');
    const did = await conversationOf(r, daniela);
    await topRow(bruno.page, did);
    // A receipt is not new activity: Valentina's row is updated where it is, as a reload would order it.
    const rowBefore = await bruno.page.locator(`#conv-row-${vid}`).elementHandle();
    await webhook(r, '/webhooks/twilio/status', statusParams(r.fake, sent!.sid, valentina, 'read'));
    await bubble(bruno.page, vid, reply).locator('.ticks-read').waitFor();
    await bruno.page.waitForFunction((row) => !row?.isConnected, rowBefore);
    const order = [did, vid, sid, cid].map((id) => `conv-row-${id}`);
    expect(await rowIds(bruno.page)).toEqual(order);

    // Back online: the page is rendered again from the server, in place, with everything it missed.
    const resubscribed = ana.nextFrame(`presence-${vid}`);
    await link.restore();
    await resubscribed;
    await bubble(ana.page, vid, '¿Sigues ahí?').waitFor();
    await bubble(ana.page, vid, reply).locator('.ticks-read').waitFor();
    await topRow(ana.page, did);
    expect(await rowIds(ana.page)).toEqual(order);
    const logIds = await ana.page.locator(`#chat-log-${vid} > li.msg`).evaluateAll((items) => items.map((item) => Number(item.id.slice(4))));
    expect(logIds).toHaveLength(4);
    expect(logIds).toEqual([...logIds].sort((a, b) => a - b));
    expect(await sameDocument(ana.page)).toBe(true);

    // And it is live again.
    await aspirantWrites(r, valentina, 'Listo, ya llené el formulario');
    await bubble(ana.page, vid, 'Listo, ya llené el formulario').waitFor();
    expect(ana.dialogs).toEqual([]);
    expect(bruno.dialogs).toEqual([]);
    await bruno.page.goto(`${r.server.url}/inbox/${vid}#details`);
    await bruno.page.screenshot({ path: screenshotPath('inbox-phone-details'), fullPage: true });
  });

  test('search finds people as she types, without accents or a number format, and a search result takes no pushed rows', async () => {
    await using r = await rig();
    const maria = '+573152223344';
    const camila = '+573001112233';
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);
    await aspirantWrites(r, maria, 'Hola, quiero ser modelo', 'María Fernanda');
    await aspirantWrites(r, camila, 'Buenas tardes', 'Camila');
    const mid = await conversationOf(r, maria);
    const cid = await conversationOf(r, camila);
    await topRow(ana.page, cid);

    // Typed, never submitted: the list follows 300 ms after the last key, and the URL with it.
    const search = ana.page.locator('#inbox-q');
    await search.pressSequentially('maria');
    await ana.page.waitForFunction((id) => Array.from(document.querySelectorAll('#conv-list > li.conv-row'), (li) => li.id).join() === `conv-row-${id}`, mid);
    expect(ana.page.url()).toContain('q=maria');
    await search.fill('');
    await search.pressSequentially('315 222 3344');
    await ana.page.waitForFunction((id) => Array.from(document.querySelectorAll('#conv-list > li.conv-row'), (li) => li.id).join() === `conv-row-${id}`, mid);

    // The swapped list told the socket its filters (a search: no live rows). A 'viewing' sent after it is answered
    // only once the server has handled both, in order: then the tab hears no list topic.
    const viewed = ana.nextFrame(`presence-${mid}`);
    await ana.page.evaluate((id) => {
      const { sockets } = (window as unknown as TestWindow).live;
      sockets.at(-1)!.send(JSON.stringify({ type: 'viewing', conversationId: id }));
    }, mid);
    await viewed;
    // Camila writes while the search is on screen: her row is published to no one, so not into a list she does not match.
    const published = Promise.withResolvers<number>();
    const stop = r.t.services.hub.listen((topic, data) => {
      if (topic.startsWith('inbox:') && data.includes(`conv-row-${cid}`) && data.includes('Sigo esperando')) published.resolve(r.t.services.hub.subscribers(topic));
    });
    await aspirantWrites(r, camila, 'Sigo esperando');
    expect(await published.promise).toBe(0);
    stop();
    expect(await rowIds(ana.page)).toEqual([`conv-row-${mid}`]);

    // Cleared: every conversation again, and live again.
    await search.fill('');
    await ana.page.waitForFunction(() => document.querySelectorAll('#conv-list > li.conv-row').length === 2);
    await aspirantWrites(r, camila, 'Hola otra vez');
    await topRow(ana.page, cid);
    expect(ana.dialogs).toEqual([]);
  });

  test('the tab counts unread messages pushed while she reads another conversation, and its icon shows a dot', async () => {
    await using r = await rig();
    const [valentina, sofia] = ['+573006660001', '+573006660002'];
    await aspirantWrites(r, valentina, 'Hola', 'Valentina');
    await aspirantWrites(r, sofia, 'Buenas', 'Sofía');
    const [vid, sid] = [await conversationOf(r, valentina), await conversationOf(r, sofia)];
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);
    const page = ana.page;
    const title = () => page.title();
    const icon = () => page.locator('link[rel="icon"]').getAttribute('href');
    expect(await title()).toStartWith('(2) ');
    expect(await icon()).toBe('/assets/icon-unread.svg');

    // She reads Valentina: Sofía's message is still waiting.
    await openConversation(ana, vid);
    expect(await title()).toMatch(/^\(1\) /);
    // Sofía writes twice while Valentina is open: pushed, counted.
    await aspirantWrites(r, sofia, '¿Me respondes?');
    await page.waitForFunction(() => document.title.startsWith('(2) '));
    await aspirantWrites(r, sofia, 'Estoy esperando');
    await page.waitForFunction(() => document.title.startsWith('(3) '));
    // Valentina writes into the conversation she is reading: read as it arrives, not counted.
    await aspirantWrites(r, valentina, 'Ya envié la foto');
    await bubble(page, vid, 'Ya envié la foto').waitFor();
    await topRow(page, vid);
    expect(await title()).toMatch(/^\(3\) /);
    // Reading Sofía leaves nothing unread: no count, no dot.
    await openConversation(ana, sid);
    expect(await title()).not.toMatch(/^\(\d+\) /);
    expect(await icon()).toBe('/assets/icon.svg');
  });

  test('asked once, she gets a desktop notice for an aspirant writing in another conversation, not in the one she reads', async () => {
    await using r = await rig();
    const [valentina, sofia] = ['+573007770001', '+573007770002'];
    await aspirantWrites(r, valentina, 'Hola', 'Valentina');
    await aspirantWrites(r, sofia, 'Buenas', 'Sofía');
    const [vid, sid] = [await conversationOf(r, valentina), await conversationOf(r, sofia)];
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);
    const page = ana.page;
    // The browser's Notification, recorded: not yet asked, granted when asked.
    await page.context().addInitScript(() => {
      const shown: { title: string; body?: string }[] = [];
      // Kept across pages, as the browser keeps a site's permission.
      let permission = localStorage.getItem('notification-permission') ?? 'default';
      class Recorded {
        static get permission() {
          return permission;
        }
        static requestPermission() {
          permission = 'granted';
          localStorage.setItem('notification-permission', permission);
          return Promise.resolve(permission);
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          shown.push({ title, body: options?.body });
        }
      }
      Object.assign(window, { Notification: Recorded, shown });
    });
    await openConversation(ana, vid);
    const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; body?: string }[] }).shown);
    const ask = page.locator('.alerts-ask');
    await ask.waitFor();
    await ask.click();
    await ask.waitFor({ state: 'hidden' });
    // Once allowed, the top bar says alerts are on.
    await page.locator('.alerts-state', { hasText: 'Avisos activados' }).waitFor();

    await aspirantWrites(r, sofia, '¿Me respondes?', 'Sofía');
    await page.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length === 1);
    expect(await shown()).toEqual([{ title: 'Sofía', body: '¿Me respondes?' }]);
    // Valentina writes in the conversation on screen: read as it arrives, no notice.
    await aspirantWrites(r, valentina, 'Ya envié la foto');
    await bubble(page, vid, 'Ya envié la foto').waitFor();
    await topRow(page, vid);
    expect(await shown()).toHaveLength(1);
    // A search and its clearing bring Sofía's unread row back into the list: not a new message, no notice.
    await page.locator('#inbox-q').fill('sof');
    await page.waitForFunction(() => document.querySelectorAll('#conv-list > li.conv-row').length === 1);
    await page.locator('#inbox-q').fill('');
    await page.waitForFunction(() => document.querySelectorAll('#conv-list > li.conv-row').length === 2);
    expect(await shown()).toHaveLength(1);
    // Once asked, never asked again.
    await openConversation(ana, sid);
    expect(await ask.isHidden()).toBe(true);
  });

  test('offline, a banner says so and a reply that cannot go says it was not sent and keeps its text', async () => {
    await using r = await rig();
    const number = '+573008880001';
    await aspirantWrites(r, number, 'Hola', 'Valentina');
    const id = await conversationOf(r, number);
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);
    const page = ana.page;
    await openConversation(ana, id);
    const banner = page.locator('#connection-banner');
    expect(await banner.isHidden()).toBe(true);

    // The live connection drops: the banner; it comes back: gone.
    const socket = await dropSocket(page);
    await banner.waitFor({ state: 'visible' });
    await socket.restore();
    await banner.waitFor({ state: 'hidden' });

    // No network at all: Enter sends nothing, says it cannot tell whether it was sent, and the text stays for later.
    await page.context().setOffline(true);
    const box = page.locator(`#composer-text-${id}`);
    await box.fill('Te respondo en un momento');
    await box.press('Enter');
    await page.locator(`#composer-${id} .composer-error`).getByText('no sabemos si se envió').waitFor();
    expect(await box.inputValue()).toBe('Te respondo en un momento');
    await page.context().setOffline(false);
    expect(r.fake.messages.filter((m) => m.body === 'Te respondo en un momento')).toEqual([]);
  });

  test('the keyboard: / goes to search, j/k and Alt+arrows open the next or previous conversation, Esc closes what is open', async () => {
    await using r = await rig();
    const numbers = ['+573005550001', '+573005550002', '+573005550003'];
    for (const number of numbers) await aspirantWrites(r, number, `Hola desde ${number}`, `Aspirante ${number.slice(-1)}`);
    const ids = [];
    for (const number of numbers) ids.push(await conversationOf(r, number));
    const [oldest, middle, newest] = ids as [number, number, number];
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);
    await topRow(ana.page, newest);
    const page = ana.page;
    const at = (id: number) => page.waitForURL(new RegExp(`/inbox/${id}(\\?|$)`));

    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inbox-q');
    // Letters typed in the search box are text, not shortcuts.
    await page.keyboard.type('jk');
    expect(await page.locator('#inbox-q').inputValue()).toBe('jk');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('inbox-q');
    await page.locator('#inbox-q').fill('');
    await page.waitForFunction(() => document.querySelectorAll('#conv-list > li.conv-row').length === 3);
    await page.keyboard.press('Escape');

    // Newest first: j opens the top conversation, then the next; k goes back; Alt+↓ as j.
    await Promise.all([at(newest), page.keyboard.press('j')]);
    await Promise.all([at(middle), page.keyboard.press('j')]);
    await Promise.all([at(newest), page.keyboard.press('k')]);
    await Promise.all([at(middle), page.keyboard.press('Alt+ArrowDown')]);
    await Promise.all([at(oldest), page.keyboard.press('Alt+ArrowDown')]);

    // In the reply box Alt+arrows are the box's (Option+↓ moves the caret on a Mac): she stays, with her draft.
    const box = page.locator(`#composer-text-${oldest}`);
    await box.fill('Hola,\nte escribo');
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowUp');
    expect(page.url()).toMatch(new RegExp(`/inbox/${oldest}(\\?|#|$)`));
    expect(await box.inputValue()).toBe('Hola,\nte escribo');
    await box.blur();

    // Esc closes the aspirant's details (the pane a phone shows over the chat) and goes back to the chat.
    await page.evaluate(() => (location.hash = '#details'));
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => location.hash)).toBe('#chat');
    expect(ana.dialogs).toEqual([]);
  });

  test("an aspirant's markup shows as text in the list, the chat and the panel, pushed and rendered; nothing runs", async () => {
    await using r = await rig();
    const number = '+573009990000';
    const ana = await signIn(r, { email: 'ana@wasap.test', name: 'Ana Admin', role: 'admin' }, DESKTOP);

    // Pushed: the new row, with the name and the preview as text.
    await aspirantWrites(r, number, HOSTILE, HOSTILE);
    const id = await conversationOf(r, number);
    await topRow(ana.page, id);
    expect(await textOf(ana.page, `#conv-row-${id} .conv-name`)).toBe(HOSTILE);
    expect(await textOf(ana.page, `#conv-row-${id} .conv-preview`)).toBe(HOSTILE);
    expect(await injected(ana.page)).toEqual({ images: 0, handlers: 0, scripts: 0 });

    // Rendered: the page with the conversation open.
    await openConversation(ana, id);
    await expectHostileAsText(ana.page, id, HOSTILE);
    for (const name of [`#conv-row-${id} .conv-name`, '.chat-head h1', `#aspirant-${id} .aspirant-head h2`]) expect(await textOf(ana.page, name)).toBe(HOSTILE);
    expect(await ana.page.title()).toBe(`${HOSTILE} · Wasap`);

    // Pushed into the open page: another message, and the form with markup in its notes.
    const second = '"><svg onload=alert(3)></svg>';
    await aspirantWrites(r, number, second, HOSTILE);
    await bubble(ana.page, id, 'svg').waitFor();
    expect(await bubble(ana.page, id, 'svg').locator('.msg-body').innerText()).toBe(second);
    await submitForm(r, number, HOSTILE);
    await panelShows(ana.page, id, 'Medellín, Antioquia');
    expect(await ana.page.locator(`#aspirant-${id} dd`, { hasText: 'onerror' }).innerText()).toBe(HOSTILE);
    await expectHostileAsText(ana.page, id, second);

    // Rendered again from the server.
    await ana.page.reload();
    await expectHostileAsText(ana.page, id, second);
    expect(await ana.page.locator(`#aspirant-${id} dd`, { hasText: 'onerror' }).innerText()).toBe(HOSTILE);
    expect(await bubble(ana.page, id, 'svg').locator('.msg-body').innerText()).toBe(second);
    expect(ana.dialogs).toEqual([]);
  });
});
