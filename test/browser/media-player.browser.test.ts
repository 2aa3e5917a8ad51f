/**
 * @module test/browser/media-player.browser.test — in Chromium, through the real /media route with a session: a voice
 * note (a WAV) and a video (a WebM that Chromium's MediaRecorder makes from a canvas) play to their end and can seek
 * (byte ranges) under the page's strict CSP; a shared contact's number is copied with one click.
 */
import { describe, expect, test } from 'bun:test';
import { conversations } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { postEveryKind, storeFile, VCARD, wav } from '../support/kind-media';
import { listen } from '../support/listen';
import { twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const PHONE = '+573105550909';

/** Runs in the page: a WebM of 30 frames drawn on a canvas, recorded by MediaRecorder, as bytes. */
async function recordWebm(): Promise<number[]> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  let frame = 0;
  await new Promise<void>((resolve) => {
    const draw = () => {
      context.fillStyle = `hsl(${frame * 12}, 80%, 50%)`;
      context.fillRect(0, 0, 64, 48);
      if (++frame >= 30) resolve();
      else requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
  });
  recorder.stop();
  await stopped;
  return [...new Uint8Array(await new Blob(chunks).arrayBuffer())];
}

describe.skipIf(!browserAvailable)('media players in Chromium', () => {
  test('a voice note and a video play to their end and seek, served by /media with ranges; a contact number copies', async () => {
    await using fake = startFakeTwilio();
    await using t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false, mediaRetryDelaysMs: [0, 0] } });
    await using server = listen(t);
    await using browser = await launchBrowser();
    await addUser(t.database.db, { label: 'test' }, { email: 'ana@agency.co', name: 'Ana', role: 'admin', password: PASSWORD });
    const missing = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/MM${'0'.repeat(32)}/Media/ME${'0'.repeat(32)}`;
    const sids = await postEveryKind(t, fake, PHONE, missing);
    await t.services.media.idle();
    await t.services.conversations.registry.ask(PHONE, () => null);

    const context = await browser.newContext({ locale: 'es-CO' });
    await context.addInitScript(() => {
      const violations: string[] = [];
      Object.assign(window, { violations });
      document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'ana@agency.co', PASSWORD);
    const webm = Uint8Array.from(await page.evaluate(recordWebm));
    expect(webm.byteLength).toBeGreaterThan(100);
    const voiceId = await storeFile(t, sids.voiceNote, wav(0.6), 'audio/wav');
    const videoId = await storeFile(t, sids.video, webm, 'video/webm');
    await storeFile(t, sids.contact, new TextEncoder().encode(VCARD), 'text/vcard');

    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
    await page.goto(`${server.url}/inbox/${conversation!.id}`);
    for (const selector of [`audio[src="/media/${voiceId}"]`, `video[src="/media/${videoId}"]`]) {
      const player = page.locator(selector);
      await player.scrollIntoViewIfNeeded();
      // Muted, as a page may start playback without a click; the recruiter presses play on the controls.
      await player.evaluate((element: HTMLMediaElement) => {
        element.muted = true;
        return element.play();
      });
      await page.waitForFunction((element) => (element as HTMLMediaElement).currentTime > 0, await player.elementHandle());
      await page.waitForFunction((element) => (element as HTMLMediaElement).ended, await player.elementHandle());
      // Byte ranges make the file seekable, so its player can jump back.
      const seeked = await player.evaluate(async (element: HTMLMediaElement) => {
        const done = new Promise((resolve) => element.addEventListener('seeked', resolve, { once: true }));
        element.currentTime = 0.1;
        await done;
        return { seekable: element.seekable.length, at: element.currentTime, ended: element.ended };
      });
      expect({ selector, ...seeked, at: seeked.at > 0 }).toEqual({ selector, seekable: 1, at: true, ended: false });
    }

    const copy = page.getByRole('button', { name: 'Copiar el número +57 300 1112233' });
    await copy.click();
    await page.waitForFunction((button) => button!.textContent === 'Número copiado', await copy.elementHandle());
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('+573001112233');
    // Players, stickers and cards load under the page's strict CSP.
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    await context.close();
  });
});
