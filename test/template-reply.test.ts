/**
 * @module test/template-reply.test — once the 24-hour window has closed: the composer offers the provider's approved
 * templates with her first name filled in (escaped), the reply route refuses a template it does not offer or a value
 * missing or too long (400, in the recruiter's words), and an accepted one reaches Twilio as ContentSid +
 * ContentVariables while the chat shows its filled body.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { createSession } from '../server/auth/sessions';
import { insertUser } from '../server/db/queries/users';
import { conversations, messages, outbox } from '../server/db/schema';
import { inbound } from './support/bot';
import { testApp, type TestApp } from './support/app';
import { startFakeTwilio } from './support/fake-twilio';
import { textContent } from './support/fake-twilio-content';
import { twilioEnv } from './support/twilio-env';

const KEY = '+573004440001';
const HOUR = 3_600_000;

async function recruiter(t: TestApp) {
  const user = await insertUser(t.database.db, { email: 'rita@agency.co', name: 'Rita', role: 'recruiter', passwordHash: 'x' });
  const session = await createSession(t.database.db, user.id, new Date());
  const headers = { cookie: `wasap_session=${session.token}`, accept: 'text/html' };
  return {
    page: (id: number) => t.request(`/inbox/${id}`, { headers }).then((r) => r.text()),
    post: (id: number, form: Record<string, string>) =>
      t.request(`/inbox/${id}/messages`, {
        method: 'POST',
        headers: { ...headers, 'x-csrf-token': session.csrfToken, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
  };
}

/** A Twilio app whose fake lists an approved follow-up with two variables and a pending one; synced, her window closed. */
async function closedWindow(profileName = 'Valentina Gómez') {
  const fake = startFakeTwilio();
  const follow = textContent({ name: 'Seguimiento', body: 'Hola {{1}}, ¿seguimos con tu proceso en {{2}}?' });
  const pending = textContent({ name: 'Promoción', body: 'Nueva campaña', status: 'pending' });
  fake.contents.push(follow, pending);
  let now = Date.now();
  const t = await testApp('pglite', { env: twilioEnv(fake), overrides: { bot: false, now: () => now } });
  await t.waitForLog((line) => line.msg === 'templates synced');
  await t.services.conversations.acceptInbound({ ...inbound(KEY, 'hola'), profileName });
  await t.services.conversations.registry.ask(KEY, () => null);
  const [conversation] = await t.database.db.select({ id: conversations.id }).from(conversations);
  now += 25 * HOUR;
  return {
    fake,
    t,
    id: conversation!.id,
    follow,
    pending,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

describe('templates once the window has closed', () => {
  test('the composer offers the approved ones, {{1}} filled with her first name, the others empty and required', async () => {
    await using w = await closedWindow();
    const rita = await recruiter(w.t);
    const page = await rita.page(w.id);
    expect(page).toContain(`name="templateRef" value="${w.follow.sid}"`);
    expect(page).not.toContain(w.pending.sid);
    // Before the form, the first word of her WhatsApp profile name.
    expect(page).toContain('<span>Hola </span><input type="text" class="template-variable" name="var.1" value="Valentina"');
    expect(page).toMatch(/name="var\.2" value="" size="8" required/);
  });

  test('a first name with markup is an attribute value, escaped, never markup', async () => {
    await using w = await closedWindow('<script>alert(1)</script>');
    const page = await (await recruiter(w.t)).page(w.id);
    expect(page).toContain('name="var.1" value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).not.toContain('<script>alert(1)');
  });

  test('refused with 400 and why, in her language: a template not offered (pending, unknown), a value missing or too long', async () => {
    await using w = await closedWindow();
    const rita = await recruiter(w.t);
    const refusals = [
      [{ templateRef: w.pending.sid }, 'Esa plantilla no está aprobada en WhatsApp o ya no existe.'],
      [{ templateRef: `HX${'0'.repeat(32)}`, 'var.1': 'a', 'var.2': 'b' }, 'Esa plantilla no está aprobada en WhatsApp o ya no existe.'],
      [{ templateRef: w.follow.sid, 'var.1': 'Valentina' }, 'Falta el valor de {{2}}: escríbelo y envía de nuevo.'],
      [{ templateRef: w.follow.sid, 'var.1': 'Valentina', 'var.2': '   ' }, 'Falta el valor de {{2}}'],
      [{ templateRef: w.follow.sid, 'var.1': 'Valentina', 'var.2': 'x'.repeat(1025) }, 'El valor de {{2}} tiene 1.025 caracteres y WhatsApp admite hasta 1.024.'],
    ] as const;
    for (const [form, reason] of refusals) {
      const response = await rita.post(w.id, form);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(reason);
    }
    // What she typed is kept for her to finish.
    expect(await (await rita.post(w.id, { templateRef: w.follow.sid, 'var.1': 'Vale & Co' })).text()).toContain('name="var.1" value="Vale &amp; Co"');
    expect(await w.t.database.db.select().from(outbox)).toEqual([]);
    expect(w.fake.requests).toEqual([]);
  });

  test('sent: Twilio gets ContentSid and ContentVariables, the chat shows the filled body, a stray body is neither sent nor shown', async () => {
    await using w = await closedWindow();
    const rita = await recruiter(w.t);
    const response = await rita.post(w.id, { templateRef: w.follow.sid, 'var.1': ' Valentina ', 'var.2': 'Medellín\n centro', body: 'texto libre colado' });
    expect(response.status).toBe(200);
    const [sent] = await w.fake.waitForMessages(1);
    expect(sent).toMatchObject({ to: `whatsapp:${KEY}`, contentSid: w.follow.sid, contentVariables: JSON.stringify({ 1: 'Valentina', 2: 'Medellín centro' }) });
    expect(sent!.body).toBeUndefined();
    const [message] = await w.t.database.db.select().from(messages).where(eq(messages.sender, 'recruiter'));
    expect(message).toMatchObject({ body: 'Hola Valentina, ¿seguimos con tu proceso en Medellín centro?', templateRef: w.follow.sid });
    const page = await rita.page(w.id);
    expect(page).toContain('Hola Valentina, ¿seguimos con tu proceso en Medellín centro?');
    expect(page).not.toContain('[template');
    expect(page).not.toContain('texto libre colado');
  });
});
