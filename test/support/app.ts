/** @module test/support/app — the app on a fresh database, with captured logs, for app.handle() tests. */
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics';
import { testDatabase, type Driver, type TestDatabase } from './db';

export interface TestApp extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  config: Config;
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export async function testApp(driver: Driver = 'pglite', env: Record<string, string> = {}): Promise<TestApp> {
  const database = await testDatabase(driver);
  const config = loadConfig({ WASAP_DATA_DIR: '/tmp/wasap-unused', WASAP_SECRET: 'test-secret-'.repeat(4), ...env });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  const logger = createLogger('debug', function capture(text) {
    const line = JSON.parse(text) as Record<string, unknown>;
    logs.push(line);
    for (const waiter of waiters) if (waiter.match(line)) (waiters.delete(waiter), waiter.resolve(line));
  });
  function waitForLog(match: (line: Record<string, unknown>) => boolean) {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    const { promise, resolve } = Promise.withResolvers<Record<string, unknown>>();
    waiters.add({ match, resolve });
    return promise;
  }
  const app = createApp({ config, database, logger, metrics: createMetrics() });
  return {
    app,
    database,
    config,
    logs,
    waitForLog,
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    [Symbol.asyncDispose]: () => database.close(),
  };
}
