/** @module test/dead-letters.test — an event that fails for its own reason is dead-lettered, listed, and re-driven with `wasap dead-letters retry` once fixed. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { conversations, deadLetters, inboundEvents, messages } from '../server/db/schema';
import { createSession } from '../server/auth/sessions';
import { insertUser } from '../server/db/queries/users';
import { createApiToken } from '../server/services/api-tokens';
import { testApp } from './support/app';
import { wasap } from './support/cli';
import { inbound } from './support/bot';

const key = '+573004440001';

describe('dead letters', () => {
  test('a bad event is dead-lettered and marks the conversation; fixed, `wasap dead-letters retry` processes it once', async () => {
    await using t = await testApp('pglite', { overrides: { bot: false } });
    t.app.listen({ port: 0, hostname: '127.0.0.1' });
    try {
      const { token } = await createApiToken(t.database.db, 'test', 'test');
      const env = { WASAP_URL: `http://127.0.0.1:${t.app.server!.port}`, WASAP_API_TOKEN: token };
      expect(await wasap(['dead-letters', 'list'], env)).toMatchObject({ code: 0, out: 'no open dead letters\n' });

      // The conversation exists; then an event whose stored data the code cannot handle (a number where text belongs).
      await t.services.conversations.acceptInbound(inbound(key, 'Hola'));
      await t.services.conversations.registry.ask(key, () => null);
      const [bad] = await t.database.db
        .insert(inboundEvents)
        .values({ providerSid: 'SMbroken', kind: 'message', conversationKey: key, payload: { event: { type: 'inbound.received', messageSid: 'SMbroken', body: 12345, receivedAt: Date.now() } } })
        .returning();
      await t.services.conversations.recover();
      await t.services.conversations.registry.ask(key, () => null);
      const [letter] = await t.database.db.select().from(deadLetters);
      expect(letter).toMatchObject({ conversationKey: key, inboundEventId: bad!.id, attempts: 5, resolvedAt: null });
      const [conversation] = await t.database.db.select().from(conversations);
      expect(conversation?.status).toBe('needs_attention');
      // The conversation shows it to whoever opens it, with the command that re-drives it.
      const admin = await insertUser(t.database.db, { email: 'boss@agency.co', name: 'Boss', role: 'admin', passwordHash: 'x' });
      const session = await createSession(t.database.db, admin.id, new Date());
      const chat = () => t.request(`/inbox/${conversation!.id}`, { headers: { cookie: `wasap_session=${session.token}`, accept: 'text/html' } }).then((r) => r.text());
      expect(await chat()).toContain(`wasap dead-letters retry ${letter!.id}`);

      const listed = await wasap(['dead-letters', 'list', '--json'], env);
      expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ id: letter!.id, conversationKey: key, type: 'inbound.received', attempts: 5, resolvedAt: null })]);
      expect((await wasap(['dead-letters', 'list'], env)).out).toContain('+57300•••0001');

      // Fixed at the source; retried through the server: processed once, resolved, not listed any more.
      await t.database.db
        .update(inboundEvents)
        .set({ payload: { event: { type: 'inbound.received', messageSid: 'SMbroken', body: 'Hola otra vez', media: [], receivedAt: Date.now() } } })
        .where(eq(inboundEvents.id, bad!.id));

      expect(await wasap(['dead-letters', 'retry', String(letter!.id)], env)).toMatchObject({ code: 0, out: `dead letter ${letter!.id} (inbound.received) processed\n` });
      expect((await t.database.db.select().from(messages).where(eq(messages.providerSid, 'SMbroken'))).map((m) => m.body)).toEqual(['Hola otra vez']);
      expect((await t.database.db.select().from(deadLetters))[0]?.resolvedAt).toBeInstanceOf(Date);
      expect((await wasap(['dead-letters', 'list'], env)).out).toBe('no open dead letters\n');
      expect(await chat()).not.toContain('could not be processed');
      expect(JSON.parse((await wasap(['dead-letters', 'list', '--all', '--json'], env)).out)).toHaveLength(1);

      const again = await wasap(['dead-letters', 'retry', String(letter!.id)], env);
      expect(again.code).toBe(1);
      expect(again.err).toContain(`Open dead letter ${letter!.id} does not exist`);
      expect((await wasap(['dead-letters', 'retry', 'abc'], env)).code).toBe(2);
      for (const id of ['1.5', '0', '-1', '1e3', '99999999999999999999']) {
        const response = await fetch(`${env.WASAP_URL}/api/admin/dead-letters/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        expect([400, 404, 422]).toContain(response.status);
      }
    } finally {
      await t.app.stop();
    }
  });

  test('a server that cannot be reached is said so, not reported as an HTTP 503', async () => {
    const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const result = await wasap(['dead-letters', 'list'], { WASAP_URL: `http://127.0.0.1:${port}`, WASAP_API_TOKEN: 'wsp_any' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('list: cannot reach the server');
    expect(result.err).not.toContain('HTTP 503');
  });
});
