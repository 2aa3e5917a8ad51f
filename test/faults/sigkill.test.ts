/** @module test/faults/sigkill.test — SIGKILL right after webhooks are acknowledged: after a restart every one is processed exactly once. */
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { eq, isNull } from 'drizzle-orm';
import { openDatabase } from '../../server/db/client';
import { inboundEvents, messages, outbox } from '../../server/db/schema';
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import { drivers, freshPostgresUrl, type Driver } from '../support/db';
import { startFakeTwilio } from '../support/fake-twilio';
import { startServerProcess } from '../support/process';
import { tempDir } from '../support/temp';
import { inboundParams, PUBLIC_URL, twilioEnv } from '../support/twilio-env';

const COUNT = 300;

describe.each(drivers)('crash recovery on %s', (driver: Driver) => {
  test('every acknowledged webhook is processed exactly once after SIGKILL and restart', async () => {
    using data = tempDir();
    await using fake = startFakeTwilio();
    const pg = driver === 'postgres' ? await freshPostgresUrl() : undefined;
    try {
      const env = { ...twilioEnv(fake), WASAP_DATA_DIR: data.path, LOG_LEVEL: 'info', ...(pg ? { DATABASE_URL: pg.url } : {}) };
      const first = await startServerProcess(env);
      const batch = Array.from({ length: COUNT }, (_, i) => inboundParams(fake, `+57320${String(i % 20).padStart(7, '0')}`, `n${i}`));
      // Kill the process the moment half of the webhooks have been answered, with the rest in flight.
      const acknowledged = new Set<string>();
      const half = Promise.withResolvers<void>();
      const sends = batch.map((params) =>
        fetch(`${first.url}/webhooks/twilio`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(fake.authToken, `${PUBLIC_URL}/webhooks/twilio`, params) },
          body: new URLSearchParams(params).toString(),
        }).then(
          (r) => {
            if (r.status === 200) acknowledged.add(params.MessageSid!);
            if (acknowledged.size === COUNT / 2) half.resolve();
          },
          () => {},
        ),
      );
      await half.promise;
      first.proc.kill('SIGKILL');
      await Promise.all(sends);
      expect(await first.stop()).not.toBe(0);
      expect(acknowledged.size).toBeGreaterThanOrEqual(COUNT / 2);

      const second = await startServerProcess(env);
      // At least one welcome reaches Twilio (from the first process, else the second's outbox) before the stop, so the
      // exactly-once check below is never vacuous however the machine's load times the kill.
      await fake.waitForMessages(1);
      // A graceful stop drains every mailbox: once it exits, all recovered events have been handled.
      expect(await second.stop('SIGTERM')).toBe(0);
      expect(second.lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);

      const database = await openDatabase({ databaseUrl: pg?.url, pgliteDir: join(data.path, 'pg') });
      try {
        const stored = await database.db.select({ sid: inboundEvents.providerSid }).from(inboundEvents);
        const rows = await database.db.select({ sid: messages.providerSid }).from(messages).where(eq(messages.sender, 'aspirant'));
        // Every acknowledged webhook was stored and became exactly one message; nothing stored was left behind.
        for (const sid of acknowledged) expect(stored.some((e) => e.sid === sid)).toBe(true);
        expect(rows.map((r) => r.sid).sort()).toEqual(stored.map((e) => e.sid).sort());
        expect(await database.db.select().from(inboundEvents).where(isNull(inboundEvents.processedAt))).toEqual([]);
        // And no welcome went out twice: one Twilio message per row recorded as sent, none left in doubt (rows
        // queued while the second process drained stay pending for its next start, by design).
        const sends = await database.db.select().from(outbox);
        const sentKeys = sends.filter((r) => r.state === 'sent').map((r) => r.idempotencyKey);
        expect(sentKeys.length).toBeGreaterThan(0);
        expect(fake.messages.map((m) => m.idempotencyKey).sort()).toEqual(sentKeys.sort());
        expect(sends.filter((r) => r.state === 'sending' || r.state === 'unconfirmed')).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await pg?.drop();
    }
  });
});
