/**
 * @module test/send-limits.test — what we send fits WhatsApp: the reply route counts characters (code points) and
 * refuses past 1,600 in her words, keeping her text; a failed send or status callback shows one plain reason, with its
 * code once, in the recruiter's language — the same for either path.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { createSession } from '../server/auth/sessions';
import { conversations, messages } from '../server/db/schema';
import { addUser } from '../server/services/users';
import { testApp } from './support/app';
import { drivers } from './support/db';
import { inSequence, startFakeTwilio } from './support/fake-twilio';
import { inboundParams, signedPost, statusParams, twilioEnv } from './support/twilio-env';

const ASPIRANT = '+573001112233';
const SIXTEEN_HUNDRED_EMOJI = '😀'.repeat(1600);

async function setup(driver: 'pglite' | 'postgres') {
  const fake = startFakeTwilio();
  const t = await testApp(driver, { env: twilioEnv(fake), overrides: { outboxBackoffMs: () => 0, outboxReconcileAfterMs: 0, bot: false } });
  const post = (path: string, params: Record<string, string>) => signedPost(t, path, params, fake.authToken);
  expect((await post('/webhooks/twilio', inboundParams(fake, ASPIRANT, 'Hola'))).status).toBe(200);
  await t.services.conversations.registry.ask(ASPIRANT, () => null);
  const rita = await addUser(t.database.db, { label: 'test' }, { email: 'rita@agency.co', name: 'Rita', role: 'admin', password: 'long enough pw' });
  const session = await createSession(t.database.db, rita.id, new Date());
  const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
  const headers = { cookie: `wasap_session=${session.token}`, accept: 'text/html' };
  return {
    fake,
    t,
    post,
    rita,
    id: conversation!.id,
    page: async () => (await t.request(`/inbox/${conversation!.id}`, { headers })).text(),
    reply: (body: string) =>
      t.request(`/inbox/${conversation!.id}/messages`, {
        method: 'POST',
        headers: { ...headers, 'x-csrf-token': session.csrfToken, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ body }).toString(),
      }),
    async settle() {
      await t.services.outbox.idle();
      await t.services.conversations.registry.ask(ASPIRANT, () => null);
    },
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

/** The failed tick of the one recruiter message on the page: its visible words and its title. */
function failedTick(html: string): { text: string; title: string } {
  const match = /<span class="ticks ticks-failed" title="([^"]*)" role="status"><span aria-hidden="true">⚠<\/span> <span>([^<]*)<\/span>/.exec(html);
  if (!match) throw new Error('no failed tick on the page');
  return { title: match[1]!, text: match[2]! };
}

describe.each(drivers)('the reply route on %s', (driver) => {
  test('1,601 characters are refused in her language with her text kept; nothing is stored or sent', async () => {
    await using s = await setup(driver);
    const text = `${'a'.repeat(1600)}😀`;
    const refused = await s.reply(text);
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('<p class="form-error" role="alert">El mensaje tiene 1.601 caracteres y WhatsApp admite hasta 1.600. Tu texto sigue aquí: acórtalo y envíalo de nuevo.</p>');
    expect(html).toContain(`>\n${text}</textarea>`);
    expect(html).toContain('<span data-count>1.601/1.600</span>');
    await s.settle();
    expect(await s.t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'))).toEqual([]);
    expect(s.fake.requests).toEqual([]);
  });

  test('far past the old 4,096 units the answer is the same plain refusal, not a schema error', async () => {
    await using s = await setup(driver);
    const refused = await s.reply('b'.repeat(5000));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('El mensaje tiene 5.000 caracteres y WhatsApp admite hasta 1.600.');
  });

  test('1,600 emoji (3,200 UTF-16 units) are accepted and reach Twilio whole', async () => {
    await using s = await setup(driver);
    expect(SIXTEEN_HUNDRED_EMOJI.length).toBe(3200);
    expect((await s.reply(SIXTEEN_HUNDRED_EMOJI)).status).toBe(200);
    const [sent] = await s.fake.waitForMessages(1);
    expect(sent!.body).toBe(SIXTEEN_HUNDRED_EMOJI);
    const [stored] = await s.t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(stored!.body).toBe(SIXTEEN_HUNDRED_EMOJI);
  });

  test("a form's CR LF line breaks count once each, as WhatsApp gets them", async () => {
    await using s = await setup(driver);
    // 800 lines of one letter: 1,599 characters with LF, 2,398 as the browser submits them (CR LF).
    const lines = new Array(800).fill('x').join('\r\n');
    expect((await s.reply(lines)).status).toBe(200);
    const [sent] = await s.fake.waitForMessages(1);
    expect(sent!.body).toBe(new Array(800).fill('x').join('\n'));
  });
});

describe.each(drivers)('failure reasons on %s', (driver) => {
  test('a failed status callback with 63016 shows the plain reason and the code once; Twilio’s words stay in the title', async () => {
    await using s = await setup(driver);
    expect((await s.reply('¿Sigues interesada?')).status).toBe(200);
    const [sent] = await s.fake.waitForMessages(1);
    await s.settle();
    const callback = statusParams(s.fake, sent!.sid, ASPIRANT, 'failed', {
      ErrorCode: '63016',
      ErrorMessage: 'Failed to send freeform message because you are outside the allowed window.',
    });
    expect((await s.post('/webhooks/twilio/status', callback)).status).toBe(200);
    await s.settle();
    const [message] = await s.t.database.db.select().from(messages).where(eq(messages.providerSid, sent!.sid));
    expect(message).toMatchObject({ status: 'failed', errorCode: 63016, errorMessage: 'Failed to send freeform message because you are outside the allowed window.' });
    const tick = failedTick(await s.page());
    expect(tick).toEqual({
      text: 'Falló: Fuera de la ventana de 24 horas: solo se puede enviar una plantilla aprobada (63016)',
      title: 'Detalle del proveedor: Failed to send freeform message because you are outside the allowed window.',
    });
  });

  test('an undelivered callback without ErrorMessage still reads plainly', async () => {
    await using s = await setup(driver);
    await s.reply('Hola');
    const [sent] = await s.fake.waitForMessages(1);
    await s.settle();
    await s.post('/webhooks/twilio/status', statusParams(s.fake, sent!.sid, ASPIRANT, 'undelivered', { ErrorCode: '63024' }));
    await s.settle();
    expect(failedTick(await s.page()).text).toBe('No entregado: Este número no puede recibir mensajes de WhatsApp: no tiene WhatsApp, no aceptó sus términos o usa una versión antigua (63024)');
  });

  test('a synchronous 63016 reads exactly as the callback does; what is stored is the code and Twilio’s words', async () => {
    await using s = await setup(driver);
    s.fake.respondWith(inSequence({ status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' }));
    expect((await s.reply('hola')).status).toBe(200);
    await s.settle();
    const [message] = await s.t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(message).toMatchObject({ status: 'failed', errorCode: 63016, errorMessage: 'Failed to send freeform message because you are outside the allowed window.' });
    expect(failedTick(await s.page()).text).toBe('Falló: Fuera de la ventana de 24 horas: solo se puede enviar una plantilla aprobada (63016)');
  });
});
