/**
 * @module test/browser/composer-count.browser.test — the reply box's counter in real Chromium: characters as code points
 * (1,600 emoji fit, 3,200 UTF-16 units), in the reader's numbers, warning near the limit; past it the box is invalid, so
 * neither Enter nor the button sends, and her text is never cut. A refusal from the server keeps the text too.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { conversations, messages } from '../../server/db/schema';
import { addUser } from '../../server/services/users';
import { testApp } from '../support/app';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser';
import { startFakeTwilio } from '../support/fake-twilio';
import { listen } from '../support/listen';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const PASSWORD = 'una clave larga de prueba';
const NUMBER = '+573105550999';

/** What she sees of the counter and what the browser thinks of the box. */
function counterState(page: Page, id: number) {
  return page.evaluate((id) => {
    const box = document.getElementById(`composer-text-${id}`) as HTMLTextAreaElement;
    const counter = document.getElementById(`composer-count-${id}`)!;
    return {
      shown: counter.querySelector('[data-count]')!.textContent,
      state: counter.className,
      said: counter.querySelector('[data-count-status]')!.textContent,
      valid: box.validity.valid,
      why: box.validationMessage,
      invalid: box.getAttribute('aria-invalid'),
      length: box.value.length,
    };
  }, id);
}

/** A recruiter's composer open in Chromium on an aspirant's conversation (she wrote "Hola"), with a fake Twilio; disposing closes all. */
async function composerOpen() {
  const fake = startFakeTwilio();
  const t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false } });
  const server = listen(t);
  const browser = await launchBrowser();
  const dispose = async () => {
    await browser[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
    await t[Symbol.asyncDispose]();
    await fake[Symbol.asyncDispose]();
  };
  try {
    expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, NUMBER, 'Hola'), fake.authToken)).status).toBe(200);
    await t.services.conversations.registry.ask(NUMBER, () => null);
    const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
    const id = conversation!.id;
    await addUser(t.database.db, { label: 'test' }, { email: 'luis@agency.co', name: 'Luis', role: 'recruiter', password: PASSWORD });
    const context = await browser.newContext({ locale: 'es-CO', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'luis@agency.co', PASSWORD);
    await page.goto(`${server.url}/inbox/${id}`);
    return { fake, t, page, id, context, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

describe.skipIf(!browserAvailable)('the composer counter (Chromium)', () => {
  test('counts emoji once, warns from 1.440, blocks sending past 1.600 without cutting, and sends 1.600 emoji whole', async () => {
    await using rig = await composerOpen();
    const { fake, t, page, id } = rig;
    const box = page.locator(`#composer-text-${id}`);
    const state = () => counterState(page, id);

    expect(await state()).toEqual({ shown: '0/1.600', state: 'composer-count', said: '', valid: false, why: expect.any(String), invalid: null, length: 0 });
    await box.fill('a'.repeat(1439));
    expect(await state()).toMatchObject({ shown: '1.439/1.600', state: 'composer-count', said: '', valid: true });
    await box.press('a');
    expect(await state()).toMatchObject({ shown: '1.440/1.600', state: 'composer-count is-near', said: 'Cerca del límite de 1.600 caracteres de WhatsApp', valid: true });

    // 1,601 emoji: 3,202 UTF-16 units, 1,601 characters. Over: invalid, announced, and nothing is cut.
    const tooLong = 'Demasiado largo para WhatsApp: máximo 1.600 caracteres. Acórtalo para enviarlo.';
    await box.fill('😀'.repeat(1601));
    expect(await state()).toEqual({ shown: '1.601/1.600', state: 'composer-count is-over', said: tooLong, valid: false, why: tooLong, invalid: 'true', length: 3202 });
    await box.press('Enter');
    await page.locator('.send').click();
    expect(await state()).toMatchObject({ shown: '1.601/1.600', length: 3202 });
    expect(fake.requests).toEqual([]);
    expect(await t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'))).toEqual([]);

    // One less is 1,600 characters — 3,200 units, which a maxlength of 1,600 would have refused — and it goes out whole.
    await box.press('End');
    await box.press('Backspace');
    expect(await state()).toMatchObject({ shown: '1.600/1.600', state: 'composer-count is-near', valid: true, invalid: null, length: 3200 });
    await box.press('Enter');
    const [sent] = await fake.waitForMessages(1);
    expect(sent!.body).toBe('😀'.repeat(1600));
    await page.waitForFunction((id) => (document.getElementById(`composer-text-${id}`) as HTMLTextAreaElement).value === '', id);
    expect(await state()).toMatchObject({ shown: '0/1.600', state: 'composer-count', said: '', length: 0 });
    await rig.context.close();
  });

  test('when the server refuses a long text (a browser that skipped the check), the box keeps it and the counter agrees', async () => {
    await using rig = await composerOpen();
    const { fake, t, page, id } = rig;
    const text = `${'b'.repeat(1600)}ñ`;
    await page.locator(`#composer-text-${id}`).fill(text);
    await page.evaluate((id) => {
      const box = document.getElementById(`composer-text-${id}`) as HTMLTextAreaElement;
      box.form!.noValidate = true;
      box.form!.requestSubmit();
    }, id);
    await page.locator(`#composer-${id} > p.form-error`).waitFor();
    expect(await page.locator(`#composer-${id} > p.form-error`).textContent()).toBe(
      'El mensaje tiene 1.601 caracteres y WhatsApp admite hasta 1.600. Tu texto sigue aquí: acórtalo y envíalo de nuevo.',
    );
    expect(await page.locator(`#composer-text-${id}`).inputValue()).toBe(text);
    expect(await counterState(page, id)).toMatchObject({ shown: '1.601/1.600', state: 'composer-count is-over', valid: false });
    expect(fake.requests).toEqual([]);
    await rig.context.close();
  });
});
