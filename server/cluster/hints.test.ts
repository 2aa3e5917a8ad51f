/**
 * Hints on real Postgres LISTEN/NOTIFY: the parts of one tick are joined under Postgres's payload limit counted in
 * bytes (accented names take two), heard in order; a part too long for any NOTIFY is dropped alone, not with the rest.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { freshPostgresUrl } from '../../test/support/db';
import { openDatabase, type Database } from '../db/client';
import { createLogger } from '../logger';
import { createHints, type Channel } from './hints';

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('cluster hints on Postgres (needs TEST_DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof freshPostgresUrl>>;
  let database: Database;
  beforeAll(async () => {
    scratch = await freshPostgresUrl();
    database = await openDatabase({ databaseUrl: scratch.url });
  });
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });

  test('one tick of multibyte parts over 8,000 bytes in all is heard whole and in order; an oversized part alone is dropped', async () => {
    const heard: string[] = [];
    const warnings: string[] = [];
    const logger = createLogger('debug', (line) => {
      const entry = JSON.parse(line) as { level: string; msg: string };
      if (entry.level === 'warn') warnings.push(entry.msg);
    });
    const hints = createHints({ db: database.db, databaseUrl: scratch.url, logger, onHint: (_c: Channel, part: string) => void heard.push(part), onListen() {} });
    await hints.start();
    try {
      const name = 'José María Ñúñez Pérez — Señora Gómez Ávila Útil Ñandú áéíóú';
      const parts = Array.from({ length: 60 }, (_, c) => JSON.stringify({ o: 'node-a', t: 'presence', p: { c: c + 1, e: [{ u: 7, n: name, t: 0 }] } }));
      expect(parts.join('\n').length).toBeLessThan(8_000);
      expect(Buffer.byteLength(parts.join('\n'))).toBeGreaterThan(8_000);
      const oversized = 'ñ'.repeat(4_000);
      for (const part of [...parts.slice(0, 30), oversized, ...parts.slice(30)]) hints.send('wasap_relay', part);
      await until(() => heard.length >= 60);
      expect(heard).toEqual(parts);
      expect(warnings).toEqual(['cluster hint too long for one NOTIFY; dropped (the catch-up sweep covers it)']);
    } finally {
      await hints.stop();
    }
  });
});
