/**
 * @module test/faults/twilio-faults.test — Twilio misbehaves: it accepts a send and never answers, answers 500
 * after accepting (or without), answers 429, refuses connections, or the connection drops after the request was
 * written. Each message reaches the aspirant exactly once, nothing is left in doubt, and one stuck request never
 * holds back another conversation.
 */
import { describe, expect, test } from 'bun:test';
import { eq } from 'drizzle-orm';
import { messages, outbox } from '../../server/db/schema';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics';
import { addUser } from '../../server/services/users';
import { buildServices } from '../../server/wiring';
import { testApp } from '../support/app';
import { drivers, type Driver } from '../support/db';
import { startFakeTwilio, type FakeReply } from '../support/fake-twilio';
import { startTcpProxy } from '../support/tcp-proxy';
import { inboundParams, signedPost, twilioEnv } from '../support/twilio-env';

const A = '+573001110001';
const B = '+573001110002';

async function setup(driver: Driver, opts: { timeoutMs?: number; backoffMs?: number; giveUpAfterMs?: number } = {}) {
  const fake = startFakeTwilio();
  const proxy = startTcpProxy(Number(new URL(fake.url).port));
  const env = { ...twilioEnv(fake), TWILIO_API_URL: proxy.url, TWILIO_TIMEOUT_MS: String(opts.timeoutMs ?? 400) };
  const backoff = opts.backoffMs ?? 0;
  const t = await testApp(driver, { env, overrides: { bot: false, outboxBackoffMs: () => backoff, outboxReconcileAfterMs: 0, outboxGiveUpAfterMs: opts.giveUpAfterMs } });
  const user = await addUser(t.database.db, { label: 'test' }, { email: 'r@a.co', name: 'Rita', role: 'recruiter', password: 'long enough pw' });
  for (const number of [A, B]) expect((await signedPost(t, '/webhooks/twilio', inboundParams(fake, number, 'Hola'), fake.authToken)).status).toBe(200);
  for (const number of [A, B]) await t.services.conversations.registry.ask(number, () => null);
  return {
    fake,
    proxy,
    t,
    async reply(to: string, body: string) {
      const result = await t.services.conversations.reply(to, { userId: user.id, body });
      expect(result.ok).toBe(true);
      return result.messageId!;
    },
    /** Until the outbox is idle, then the rows and what reached Twilio for each number. */
    async settled() {
      await t.services.outbox.idle();
      const rows = await t.database.db.select().from(outbox);
      const delivered = (to: string) => fake.messages.filter((m) => m.to === `whatsapp:${to}`).map((m) => m.body);
      return { rows, delivered };
    },
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      proxy.stop();
      await fake.stop();
    },
  };
}

/** Answers the first send to `to` with `reply`; everything else as Twilio would. */
function firstTo(to: string, reply: FakeReply) {
  let done = false;
  return (request: { params: Record<string, string> }) => {
    if (done || request.params.To !== `whatsapp:${to}`) return undefined;
    done = true;
    return reply;
  };
}

describe.each(drivers)('Twilio faults on %s', (driver: Driver) => {
  test('accepted but never answered: reconciled, delivered once; the other conversation is not held back meanwhile', async () => {
    await using s = await setup(driver, { timeoutMs: 3000 });
    s.fake.respondWith(firstTo(A, { hang: true, accepted: true }));
    await s.reply(A, 'para A');
    await s.fake.waitForMessages(1);
    await s.reply(B, 'para B');
    await s.fake.waitForMessages(2);
    // B went out while A's request still hangs (it will time out after 3 s).
    const whileHanging = await s.t.database.db.select().from(outbox);
    expect(whileHanging.find((r) => r.toNumber === A)?.state).toBe('sending');
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['para A']);
    expect(delivered(B)).toEqual(['para B']);
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(rows.find((r) => r.toNumber === A)?.providerSid).toBe(s.fake.messages[0]!.sid);
    expect(s.fake.requests.filter((r) => r.params.To === `whatsapp:${A}`)).toHaveLength(1);
  });

  test('never answered and never accepted: looked up, not found, sent again once', async () => {
    await using s = await setup(driver);
    s.fake.respondWith(firstTo(A, { hang: true, accepted: false }));
    await s.reply(A, 'hola');
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['hola']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(s.fake.listRequests.length).toBeGreaterThanOrEqual(1);
  });

  test('500 after accepting: found by reconciliation, never sent twice', async () => {
    await using s = await setup(driver);
    s.fake.respondWith(firstTo(A, { status: 500, accepted: true }));
    await s.reply(A, 'una vez');
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['una vez']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 1, providerSid: s.fake.messages[0]!.sid });
  });

  test('500 without accepting: sent again, delivered once', async () => {
    await using s = await setup(driver);
    s.fake.respondWith(firstTo(A, 500));
    await s.reply(A, 'otra vez');
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['otra vez']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  test('429: retried without a look-up (Twilio did not take it), delivered once', async () => {
    await using s = await setup(driver);
    s.fake.respondWith(firstTo(A, 429));
    await s.reply(A, 'despacio');
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['despacio']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(s.fake.listRequests).toEqual([]);
  });

  test('connections refused: the row waits (no look-up: nothing was sent) and goes out once Twilio is reachable', async () => {
    await using s = await setup(driver, { backoffMs: 60 * 60_000 });
    s.proxy.stop();
    await s.reply(A, 'cuando vuelvas');
    const { rows: waiting } = await s.settled();
    expect(waiting[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(waiting[0]!.lastError).toContain('Could not reach Twilio');
    s.proxy.start();
    // The hour of backoff has passed.
    await s.t.database.db.update(outbox).set({ nextAttemptAt: new Date() }).where(eq(outbox.id, waiting[0]!.id));
    s.t.services.outbox.wake();
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['cuando vuelvas']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(s.fake.listRequests).toEqual([]);
  });

  test('still unreachable when the give-up window ends: failed with a plain reason that does not promise a retry', async () => {
    await using s = await setup(driver, { giveUpAfterMs: 0 });
    s.proxy.stop();
    const messageId = await s.reply(A, 'nunca');
    const { rows } = await s.settled();
    expect(rows[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(rows[0]!.lastError).toBe('Not sent: Twilio could not take it in 1 attempt(s) over 1 h (last: Could not reach Twilio (ECONNREFUSED))');
    await s.t.services.conversations.registry.ask(A, () => null);
    const [message] = await s.t.database.db.select().from(messages).where(eq(messages.id, messageId));
    expect(message).toMatchObject({ status: 'failed' });
    expect(message!.errorMessage).not.toContain('will be retried');
  });

  test('the connection drops after the request was written: reconciled, never sent twice', async () => {
    await using s = await setup(driver);
    s.proxy.dropResponses = true;
    await s.reply(A, 'sin respuesta');
    await s.fake.waitForMessages(1);
    s.proxy.dropResponses = false;
    const { rows, delivered } = await s.settled();
    expect(delivered(A)).toEqual(['sin respuesta']);
    expect(rows[0]).toMatchObject({ state: 'sent', attempts: 1, providerSid: s.fake.messages[0]!.sid });
  });
});

describe.each(drivers)('restart after a crash mid-send on %s', (driver: Driver) => {
  test('rows left sending are reconciled through the one claim path while the poll timer runs: each sent once', async () => {
    await using s = await setup(driver, { backoffMs: 60 * 60_000 });
    const numbers = ['+573001110010', '+573001110011', '+573001110012', '+573001110013', '+573001110014'];
    for (const number of numbers) expect((await signedPost(s.t, '/webhooks/twilio', inboundParams(s.fake, number, 'Hola'), s.fake.authToken)).status).toBe(200);
    for (const number of numbers) await s.t.services.conversations.registry.ask(number, () => null);
    s.proxy.stop();
    for (const number of numbers) await s.reply(number, `hola ${number}`);
    await s.settled();
    // The crash: every row was being sent when the process died (its worker is gone). Twilio never got them; its
    // list answers slowly, so a poll would have time to claim them mid-reconciliation.
    await s.t.services.outbox.stop();
    await s.t.database.db.update(outbox).set({ state: 'sending', nextAttemptAt: new Date() });
    s.proxy.start();
    s.fake.respondToListsWith(() => Bun.sleep(200).then(() => undefined));
    const restarted = buildServices({ config: s.t.config, database: s.t.database, logger: createLogger('silent'), metrics: createMetrics(), bot: false, outboxPollMs: 10, outboxReconcileAfterMs: 0 });
    try {
      await restarted.start();
      await restarted.outbox.idle();
      const rows = await s.t.database.db.select().from(outbox);
      expect(rows.map((r) => r.state)).toEqual(numbers.map(() => 'sent'));
      for (const number of numbers) expect(s.fake.messages.filter((m) => m.to === `whatsapp:${number}`).map((m) => m.body)).toEqual([`hola ${number}`]);
    } finally {
      await restarted.stop();
    }
  });
});
