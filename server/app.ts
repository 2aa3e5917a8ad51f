/** @module server/app — createApp(deps) builds the Elysia app without listening: tests call app.handle(). */
import { Elysia } from 'elysia';
import type { Config } from './config';
import type { Database } from './db/client';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { healthRoutes } from './routes/health';
import { observability } from './routes/observability';

export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  isDraining?: () => boolean;
}

export function createApp(deps: AppDeps) {
  return new Elysia({ name: 'wasap' })
    .use(observability(deps))
    .use(
      healthRoutes({
        database: deps.database,
        metrics: deps.metrics,
        metricsToken: deps.config.metricsToken,
        isDraining: deps.isDraining ?? (() => false),
      }),
    );
}

export type App = ReturnType<typeof createApp>;
