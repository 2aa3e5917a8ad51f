/**
 * @module test/form-limits-cluster.test — with DATABASE_URL the form's limits are kept in Postgres: two processes'
 * routes (each its own pool) on one database admit exactly the limit between them. Needs TEST_DATABASE_URL.
 */
import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/client';
import { formRoutes } from '../server/routes/form';
import { freshPostgresUrl } from './support/db';
import { tempDir } from './support/temp';

describe.skipIf(!process.env.TEST_DATABASE_URL)('form limits across processes', () => {
  test("40 inline checks from one address, sent to two processes at once, pass the limit's 6 and no more", async () => {
    const fresh = await freshPostgresUrl();
    using data = tempDir('wasap-limits-');
    const one = await openDatabase({ databaseUrl: fresh.url, maxConnections: 8 });
    const two = await openDatabase({ databaseUrl: fresh.url, maxConnections: 8 });
    try {
      await one.migrate();
      const config = loadConfig({ WASAP_DATA_DIR: data.path, WASAP_SECRET: 'test-secret-'.repeat(4), DATABASE_URL: fresh.url });
      const limits = { checksPerIp: { limit: 6, windowMs: 60_000 } };
      const conversations = { acceptForm: () => Promise.reject(new Error('no submissions here')) };
      const processes = [one, two].map((database) => formRoutes({ config, db: database.db, conversations, limits }));
      // A junk link: the check counts the hit first, then answers 404; a refused hit is 204 without looking further.
      const check = (i: number) => processes[i % 2]!.handle(new Request('http://localhost/f/v1.1.1.x/validate?field=firstName', { method: 'POST', body: '' }));
      const statuses = (await Promise.all(Array.from({ length: 40 }, (_, i) => check(i)))).map((response) => response.status);
      expect(statuses.filter((status) => status === 404)).toHaveLength(6);
      expect(statuses.filter((status) => status === 204)).toHaveLength(34);
    } finally {
      await one.close();
      await two.close();
      await fresh.drop();
    }
  });
});
