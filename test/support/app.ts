/** @module test/support/app — the app on a fresh database, with captured logs, for app.handle() tests. */
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createMetrics } from '../../server/metrics';
import { buildServices, type ServiceOptions, type Services } from '../../server/wiring';
import { tempDir } from './temp';
import { testDatabase, type Driver, type TestDatabase } from './db';

export interface TestApp extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  services: Services;
  config: Config;
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  overrides?: Partial<
    Pick<
      ServiceOptions,
      | 'blobs'
      | 'sender'
      | 'now'
      | 'outboxPollMs'
      | 'outboxBackoffMs'
      | 'outboxReconcileAfterMs'
      | 'outboxGiveUpAfterMs'
      | 'mediaRetryDelaysMs'
      | 'mediaStorageBackoffMs'
      | 'timerPollMs'
      | 'bot'
      | 'push'
      | 'retentionErase'
      | 'retentionPollMs'
    >
  >;
  /** Skip recovery and workers start (tests that drive them by hand). */
  noStart?: boolean;
}

export async function testApp(driver: Driver = 'pglite', options: TestAppOptions = {}): Promise<TestApp> {
  const database = await testDatabase(driver);
  const data = tempDir('wasap-app-');
  const config = loadConfig({ WASAP_DATA_DIR: data.path, WASAP_SECRET: 'test-secret-'.repeat(4), ...options.env });
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
  const metrics = createMetrics();
  const services = buildServices({ config, database, logger, metrics, ...options.overrides });
  if (!options.noStart) await services.start();
  const app = createApp({ config, database, logger, metrics, services, now: options.overrides?.now });
  return {
    app,
    database,
    services,
    config,
    logs,
    waitForLog,
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    async [Symbol.asyncDispose]() {
      await services.stop();
      await database.close();
      data[Symbol.dispose]();
    },
  };
}
