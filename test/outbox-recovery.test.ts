/** @module test/outbox-recovery.test — rows interrupted while "sending" are reconciled with Twilio before any resend. */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { messages, outbox } from '../server/db/schema';
import { createLogger } from '../server/logger';
import { createMetrics } from '../server/metrics';
import { addUser } from '../server/services/users';
import { buildServices } from '../server/wiring';
import { testApp } from './support/app';
import { inSequence, startFakeTwilio } from './support/fake-twilio';
import { inboundParams, signedPost, statusParams, twilioEnv } from './support/twilio-env';

const to = '+573009998877';

async function setup(backoff: number) {
  const fake = startFakeTwilio();
  const t = await testApp('pglite', { env: twilioEnv(fake), overrides: { outboxBackoffMs: () => backoff, bot: false } });
  const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
  await signedPost(t, '/webhooks/twilio', inboundParams(fake, to, 'Hola'), fake.authToken);
  return {
    fake,
    t,
    reply: (body: string) => t.services.conversations.reply(to, { userId: user.id, body }),
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.stop();
    },
  };
}

describe('outbox recovery', () => {
  test('a row that reached Twilio before the crash is recorded as sent, not sent again', async () => {
    await using s = await setup(0);
    const { messageId } = await s.reply('Te esperamos');
    const [sent] = await s.fake.waitForMessages(1);
    await s.t.services.outbox.idle();
    // The crash: Twilio accepted it, but the outcome never reached the database.
    await s.t.database.db.update(outbox).set({ state: 'sending', providerSid: null, sentAt: null });
    await s.t.database.db.update(messages).set({ providerSid: null }).where(eq(messages.id, messageId!));
    expect(await s.t.services.outbox.recover()).toBe(1);
    const [row] = await s.t.database.db.select().from(outbox);
    expect(row).toMatchObject({ state: 'sent', providerSid: sent!.sid });
    await s.t.services.outbox.runOnce();
    expect(s.fake.messages).toHaveLength(1);
  });

  test('a row that never reached Twilio is queued again and sent once', async () => {
    await using s = await setup(60 * 60_000);
    s.fake.respondWith(inSequence(503));
    await s.reply('Hola de nuevo');
    await s.t.services.outbox.idle();
    expect(s.fake.messages).toHaveLength(0);
    await s.t.database.db.update(outbox).set({ state: 'sending', nextAttemptAt: new Date() });
    // Looked up (not found), queued again and sent — all before recover() resolves, through the one claim path.
    expect(await s.t.services.outbox.recover()).toBe(1);
    expect((await s.t.database.db.select().from(outbox))[0]?.state).toBe('sent');
    expect(s.fake.listRequests.length).toBeGreaterThanOrEqual(1);
    expect(s.fake.messages.map((m) => m.body)).toEqual(['Hola de nuevo']);
  });

  test('the actor records the sid; a sent row whose message lost it (a crash between the two commits) gets it back at the next start', async () => {
    await using s = await setup(0);
    const { db } = s.t.database;
    const { messageId } = await s.reply('Una vez');
    const [sent] = await s.fake.waitForMessages(1);
    await s.t.services.outbox.idle();
    await s.t.services.conversations.registry.ask(to, () => null);
    const message = async () => (await db.select().from(messages).where(eq(messages.id, messageId!)))[0]!;
    expect(await message()).toMatchObject({ providerSid: sent!.sid, status: 'queued' });
    // The crash: the outbox recorded the send, the actor never recorded the sid; a callback arrives meanwhile.
    await db.update(messages).set({ providerSid: null }).where(eq(messages.id, messageId!));
    expect((await signedPost(s.t, '/webhooks/twilio/status', statusParams(s.fake, sent!.sid, to, 'delivered'), s.fake.authToken)).status).toBe(200);
    await s.t.services.stop();
    const restarted = buildServices({ config: s.t.config, database: s.t.database, logger: createLogger('silent'), metrics: createMetrics(), bot: false });
    try {
      await restarted.start();
      // The parked callback is told again once the sid is recorded (after a commit, so its arrival is awaited here).
      for (let tries = 0; (await message()).status !== 'delivered' && tries < 500; tries++) await Bun.sleep(10);
      expect(await message()).toMatchObject({ providerSid: sent!.sid, status: 'delivered' });
      expect(s.fake.messages).toHaveLength(1);
    } finally {
      await restarted.stop();
    }
  });
});
