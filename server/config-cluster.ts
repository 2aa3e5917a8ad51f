/**
 * @module server/config-cluster — several processes on one Postgres (server/cluster): the lease TTL and heartbeat
 * (CLUSTER_LEASE_MS, CLUSTER_HEARTBEAT_MS), this process's name (CLUSTER_NODE_ID) and how long a stopping process
 * keeps answering after its /readyz turned 503 (SHUTDOWN_GRACE_MS), so a balancer that probes every few seconds stops
 * sending before the socket closes. Only read when DATABASE_URL is set: PGlite is one process.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, integer, read, type Env } from './config-env';

export interface ClusterConfig {
  /** How long a shard lease lasts without renewal (ms, 1,000–60,000; default 3,000): a dead process's shards move after this. */
  leaseMs: number;
  /** How often leases are renewed and shards balanced (ms; default 1,000; at most a third of the lease). */
  heartbeatMs: number;
  /** This process's name in `cluster_nodes` and `wasap cluster status` (default `<host>:<pid>:<4 hex>`, new at every start). */
  nodeId: string;
  /** Time between /readyz turning 503 on SIGTERM and the HTTP listener closing (ms, 0–60,000; default 0). */
  shutdownGraceMs: number;
}

/** @throws ConfigError when a value is out of range or the heartbeat would not renew a lease in time. */
export function clusterConfig(env: Env): ClusterConfig {
  const leaseMs = integer(env, 'CLUSTER_LEASE_MS', 3_000, 1_000, 60_000);
  const heartbeatMs = integer(env, 'CLUSTER_HEARTBEAT_MS', Math.max(200, Math.floor(leaseMs / 3)), 100, 20_000);
  if (heartbeatMs * 3 > leaseMs) throw new ConfigError('CLUSTER_HEARTBEAT_MS', `at most a third of CLUSTER_LEASE_MS (${leaseMs})`, String(heartbeatMs));
  const nodeId = read(env, 'CLUSTER_NODE_ID') ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  if (!/^[\w.:@-]{1,100}$/.test(nodeId)) throw new ConfigError('CLUSTER_NODE_ID', 'up to 100 letters, digits and . : @ _ -', nodeId);
  return { leaseMs, heartbeatMs, nodeId, shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 0, 0, 60_000) };
}
