/**
 * @module test/reply-once.test — a reply sent again from the same composer (a retry after an unconfirmed send, a
 * second click, the same box's requests racing) is saved and sent once: the composer's command token and what is sent
 * make its commandId (server/services/reply-command). An edited reply, another recruiter or another box (another tab
 * draws its own token) is a new reply.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { messages, outbox } from '../server/db/schema';
import { COMMAND_TOKEN_FIELD } from '../server/services/reply-command';
import { testApp, type TestApp } from './support/app';
import { drivers } from './support/db';
import { aspirantWrites, conversationsOf, person, post, type Person } from './support/live';

const KEY = '+573007770001';
const HOUR = 3_600_000;
const TOKEN_INPUT = new RegExp(`<input type="hidden" name="${COMMAND_TOKEN_FIELD}" value="([0-9a-f-]{36})"`, 'g');

/** The command tokens in a page or fragment, in order. */
function tokensIn(html: string): string[] {
  return [...html.matchAll(TOKEN_INPUT)].map((match) => match[1]!);
}

async function openComposerToken(t: TestApp, who: Person, id: number): Promise<string> {
  const page = await (await t.request(`/inbox/${id}`, { headers: { cookie: who.cookie, accept: 'text/html' } })).text();
  const [token] = tokensIn(page);
  expect(token).toBeDefined();
  return token!;
}

async function recruiterMessages(t: TestApp): Promise<{ body: string | null; authorId: number | null }[]> {
  return t.database.db.select({ body: messages.body, authorId: messages.authorId }).from(messages).where(eq(messages.sender, 'recruiter')).orderBy(messages.id);
}

describe.each(drivers)('a reply sent again from the same box, on %s', (driver) => {
  test('the same reply twice (one after the other, or racing) is one message and one send; the answer draws a new token', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const [id] = await conversationsOf(t, [KEY]);
    const rita = await person(t, 'Rita', 'admin');
    const token = await openComposerToken(t, rita, id!);
    const first = await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, te escribo', [COMMAND_TOKEN_FIELD]: token });
    expect(first.status).toBe(200);
    const again = await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, te escribo', [COMMAND_TOKEN_FIELD]: token });
    expect(again.status).toBe(200);
    const racing = await Promise.all([1, 2, 3].map(() => post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, te escribo', [COMMAND_TOKEN_FIELD]: token })));
    expect(racing.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await recruiterMessages(t)).toEqual([{ body: 'Hola, te escribo', authorId: rita.id }]);
    expect(await t.database.db.select().from(outbox)).toHaveLength(1);
    // A sent reply comes back with a fresh box: the same words typed again are a second message, as she meant.
    const [next] = tokensIn(await first.text());
    expect(next).toBeDefined();
    expect(next).not.toBe(token);
    await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, te escribo', [COMMAND_TOKEN_FIELD]: next! });
    expect((await recruiterMessages(t)).map((m) => m.body)).toEqual(['Hola, te escribo', 'Hola, te escribo']);
  });

  test('a saved reply sent again once it would be refused (the window closed, she opted out) is answered as sent, not refused', async () => {
    let now = Date.now();
    await using t = await testApp(driver, { overrides: { bot: false, now: () => now } });
    const [id] = await conversationsOf(t, [KEY]);
    const rita = await person(t, 'Rita', 'admin');
    const token = await openComposerToken(t, rita, id!);
    now += 23.9 * HOUR;
    expect((await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, ¿sigues interesada?', [COMMAND_TOKEN_FIELD]: token })).status).toBe(200);
    // Her first try's answer was lost; by the time she sends again the 24-hour window has closed.
    now += 0.2 * HOUR;
    const retry = await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, ¿sigues interesada?', [COMMAND_TOKEN_FIELD]: token });
    expect(retry.status).toBe(200);
    // Anything new from the box is refused as before.
    expect((await post(t, rita, `/inbox/${id}/messages`, { body: 'Otra cosa', [COMMAND_TOKEN_FIELD]: token })).status).toBe(409);
    now = Date.now();
    await aspirantWrites(t, KEY, 'STOP');
    expect((await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, ¿sigues interesada?', [COMMAND_TOKEN_FIELD]: token })).status).toBe(200);
    expect(await recruiterMessages(t)).toEqual([{ body: 'Hola, ¿sigues interesada?', authorId: rita.id }]);
  });

  test('a resend that differs only in the spaces or line breaks around the text is the same reply', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const [id] = await conversationsOf(t, [KEY]);
    const rita = await person(t, 'Rita', 'admin');
    const token = await openComposerToken(t, rita, id!);
    for (const body of ['Hola', 'Hola ', '\nHola', 'Hola\n', 'Hola\r\n', ' Hola \r\n']) {
      expect((await post(t, rita, `/inbox/${id}/messages`, { body, [COMMAND_TOKEN_FIELD]: token })).status).toBe(200);
    }
    expect(await recruiterMessages(t)).toEqual([{ body: 'Hola', authorId: rita.id }]);
  });

  test('an edited reply from the same box, or another recruiter with the same token, is a new message', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const [id] = await conversationsOf(t, [KEY]);
    const [rita, boss] = [await person(t, 'Rita', 'admin'), await person(t, 'Boss', 'admin')];
    const token = await openComposerToken(t, rita, id!);
    await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola', [COMMAND_TOKEN_FIELD]: token });
    await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola, ¿cómo vas?', [COMMAND_TOKEN_FIELD]: token });
    await post(t, boss, `/inbox/${id}/messages`, { body: 'Hola', [COMMAND_TOKEN_FIELD]: token });
    expect(await recruiterMessages(t)).toEqual([
      { body: 'Hola', authorId: rita.id },
      { body: 'Hola, ¿cómo vas?', authorId: rita.id },
      { body: 'Hola', authorId: boss.id },
    ]);
  });

  test('a refused reply keeps the box’s token, so sending it again stays one command; a malformed token is refused and nothing is saved', async () => {
    await using t = await testApp(driver, { overrides: { bot: false } });
    const [id] = await conversationsOf(t, [KEY]);
    const rita = await person(t, 'Rita', 'admin');
    const token = await openComposerToken(t, rita, id!);
    const refused = await post(t, rita, `/inbox/${id}/messages`, { body: 'x'.repeat(1_601), [COMMAND_TOKEN_FIELD]: token });
    expect(refused.status).toBe(422);
    expect(tokensIn(await refused.text())).toEqual([token]);
    for (const bad of ['not-a-uuid', `${token}x`, '"><script>alert(1)</script>']) {
      const response = await post(t, rita, `/inbox/${id}/messages`, { body: 'Hola', [COMMAND_TOKEN_FIELD]: bad });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await response.text()).not.toContain('<script>alert(1)');
    }
    expect(await recruiterMessages(t)).toEqual([]);
    // A form without a token (an old page) still sends, each time anew.
    await post(t, rita, `/inbox/${id}/messages`, { body: 'Sin ficha' });
    await post(t, rita, `/inbox/${id}/messages`, { body: 'Sin ficha' });
    expect((await recruiterMessages(t)).map((m) => m.body)).toEqual(['Sin ficha', 'Sin ficha']);
  });
});
