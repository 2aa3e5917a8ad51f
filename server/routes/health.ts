/** @module server/routes/health — liveness, readiness and the Prometheus scrape endpoint. */
import { Elysia } from 'elysia';
import type { Database } from '../db/client';
import type { Metrics } from '../metrics';
import { UnauthorizedError } from '../errors';
import { withDeadline } from '../db/deadline';

/** Readiness answers within 1 s even when the database hangs: a balancer's probe must not time out instead. */
const READY_DEADLINE_MS = 600;

export interface HealthDeps {
  database: Database;
  metrics: Metrics;
  /** When set, /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** True once shutdown began: readiness fails so a balancer stops sending traffic. */
  isDraining: () => boolean;
  /** Several processes (server/cluster/leases): ready only once this one holds its shard leases and keeps renewing them. */
  leases?: { ready(): boolean; reason(): string | undefined };
}

/** Ready, or not with the reason; never throws (an unreachable or slow database is a reason, not a 500). */
async function readiness(deps: HealthDeps): Promise<{ ready: boolean; reason?: string }> {
  if (deps.isDraining()) return { ready: false, reason: 'shutting down' };
  let status: Awaited<ReturnType<Database['migrationStatus']>>;
  try {
    const check = async () => {
      await deps.database.ping();
      return deps.database.migrationStatus();
    };
    status = await withDeadline(check(), READY_DEADLINE_MS, `no answer within ${READY_DEADLINE_MS} ms`);
  } catch (error) {
    return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
  }
  if (status.pending.length > 0) {
    return { ready: false, reason: `migrations not applied: ${status.pending.join(', ')} (run \`wasap migrate\`)` };
  }
  if (deps.leases && !deps.leases.ready()) return { ready: false, reason: deps.leases.reason() ?? 'shard leases not held' };
  return { ready: true };
}

export function healthRoutes(deps: HealthDeps) {
  return new Elysia({ name: 'health' })
    .get('/healthz', () => ({ status: 'ok' }))
    .get('/readyz', async function ready({ set }) {
      const result = await readiness(deps);
      if (!result.ready) set.status = 503;
      return result.ready ? { status: 'ready' } : { status: 'unavailable', reason: result.reason };
    })
    .get('/metrics', async function scrape({ headers, set }) {
      if (deps.metricsToken && headers.authorization !== `Bearer ${deps.metricsToken}`) throw new UnauthorizedError('A metrics token is required.');
      set.headers['content-type'] = deps.metrics.contentType;
      return deps.metrics.render();
    });
}
