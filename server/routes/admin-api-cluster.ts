/**
 * @module server/routes/admin-api-cluster — `GET /api/admin/cluster` (`wasap cluster status`), behind an API token or
 * the local admin credential: the processes sharing this Postgres, shards per process, lease ages and lagging shards
 * (server/cluster/status), with `answeredBy` naming the process that answered. An embedded (PGlite) install is one
 * process without leases and answers `{ mode: 'single', … }`.
 */
import { Elysia } from 'elysia';
import type { Database } from '../db/client';
import { clusterStatus, SINGLE_STATUS } from '../cluster/status';
import { adminCaller } from './admin-api';

export interface AdminClusterApiDeps {
  database: Pick<Database, 'db' | 'kind'>;
  localAdminToken?: string;
  /** This process's CLUSTER_NODE_ID. */
  nodeId: string;
  /** CLUSTER_LEASE_MS: a process whose heartbeat is older is reported not alive. */
  leaseMs: number;
}

export function adminClusterApiRoutes(deps: AdminClusterApiDeps) {
  const auth = { db: deps.database.db, localAdminToken: deps.localAdminToken };
  return new Elysia({ name: 'admin-api-cluster', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(auth, headers.authorization) }))
    .get('/cluster', async () => {
      if (deps.database.kind === 'pglite') return { ...SINGLE_STATUS, answeredBy: deps.nodeId };
      return { ...(await clusterStatus(deps.database.db, { leaseMs: deps.leaseMs })), answeredBy: deps.nodeId };
    });
}
