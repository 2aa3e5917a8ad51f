/**
 * @module server/cluster/status — the read side of the cluster (`wasap cluster status`, GET /api/admin/cluster and
 * the per-shard gauges): the processes in `cluster_nodes`, how the 256 shard leases are held, and the shards whose
 * oldest unprocessed inbound event waits too long. Two queries whatever the shard count; every age is measured on the
 * database's clock (`now()`), the one clock all processes share. Writes nothing.
 */
import { sql, type SQL } from 'drizzle-orm';
import client from 'prom-client';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import type { Metrics } from '../metrics';
import { inShards, SHARD_COUNT, shardSql } from './shard';

/** Oldest unprocessed event older than this (ms) makes its shard lagging, unless told otherwise. */
export const DEFAULT_LAG_THRESHOLD_MS = 5_000;
/** Lagging shards listed at most, worst first. */
export const DEFAULT_LAG_LIMIT = 20;
/** A process counts as alive while its heartbeat is younger than this (ms): CLUSTER_LEASE_MS's default. */
export const DEFAULT_LEASE_MS = 3_000;

export interface StatusOptions {
  /** The reference time instead of the database's `now()` (tests). */
  now?: Date;
  /** Heartbeat age (ms) past which a process is reported not alive; pass CLUSTER_LEASE_MS. */
  leaseMs?: number;
  lagThresholdMs?: number;
  lagLimit?: number;
}

/** One row of `cluster_nodes`; ages and counts as of the reference time. */
export interface NodeStatus {
  id: string;
  host: string;
  pid: number;
  url: string | null;
  /** ISO 8601. */
  startedAt: string;
  heartbeatAgeMs: number;
  draining: boolean;
  /** Shards whose lease it holds and that have not expired. */
  shards: number;
  /** Heartbeat younger than `leaseMs`. */
  alive: boolean;
}

/** The leases one owner holds (whether or not its node row is still there): time left, negative once expired. */
export interface OwnerLeases {
  owner: string;
  shards: number;
  expired: number;
  minRemainingMs: number;
  maxRemainingMs: number;
}

export interface LaggingShard {
  shard: number;
  /** The owner of an unexpired lease, or null when no process runs the shard now. */
  owner: string | null;
  unprocessed: number;
  oldestAgeMs: number;
}

export interface ClusterStatus {
  mode: 'cluster';
  /** The reference time, ISO 8601. */
  at: string;
  nodes: NodeStatus[];
  /** owned: an unexpired lease; expired: an owner whose lease lapsed (claimable); unowned: no owner. Sum is 256. */
  shards: { total: number; owned: number; unowned: number; expired: number };
  leases: OwnerLeases[];
  lagThresholdMs: number;
  /** Worst first, at most `lagLimit`; `laggingTotal` counts them all. */
  lagging: LaggingShard[];
  laggingTotal: number;
}

/**
 * Unprocessed events that something should be processing: a status callback parked until its message's sid is
 * recorded (server/conversations/recovery) waits by design, so it is not lag.
 */
const WAITING_EVENT = sql`processed_at is null and (kind <> 'status' or exists (select 1 from messages m where m.provider_sid = payload -> 'event' ->> 'messageSid'))`;

const ms = (interval: SQL) => sql`(extract(epoch from ${interval}) * 1000)::float8`;

type LeaseRow = {
  at: string | Date;
  owner: string | null;
  node: boolean;
  host: string | null;
  pid: number | null;
  url: string | null;
  started_at: string | Date | null;
  draining: boolean | null;
  heartbeat_age_ms: number | string | null;
  live: number | string | null;
  expired: number | string | null;
  free: number | string | null;
  min_ms: number | string | null;
  max_ms: number | string | null;
};

function leaseQuery(ref: SQL) {
  // One row per node and per lease owner (full join: a dead owner's lapsed leases show without a node row), plus the
  // row of free shards (owner null).
  return sql`with per_owner as (
      select owner,
        count(*) filter (where owner is not null and expires_at > ${ref}) as live,
        count(*) filter (where owner is not null and expires_at <= ${ref}) as expired,
        count(*) filter (where owner is null or expires_at is null) as free,
        min(${ms(sql`expires_at - ${ref}`)}) as min_ms, max(${ms(sql`expires_at - ${ref}`)}) as max_ms
      from shard_leases group by owner)
    select ${ref} as at, coalesce(n.id, l.owner) as owner, n.id is not null as node, n.host, n.pid, n.url, n.started_at, n.draining,
      ${ms(sql`${ref} - n.heartbeat_at`)} as heartbeat_age_ms, l.live, l.expired, l.free, l.min_ms, l.max_ms
    from cluster_nodes n full join per_owner l on l.owner = n.id
    order by n.started_at nulls last, 1`;
}

function lagQuery(ref: SQL, thresholdMs: number, limit: number) {
  return sql`with waiting as (
      select ${shardSql(sql`conversation_key`)} as shard, count(*) as unprocessed, min(received_at) as oldest
      from inbound_events where ${WAITING_EVENT} group by 1)
    select w.shard, case when l.expires_at > ${ref} then l.owner end as owner, w.unprocessed,
      ${ms(sql`${ref} - w.oldest`)} as oldest_age_ms, count(*) over () as total
    from waiting w left join shard_leases l on l.shard = w.shard
    where w.oldest < ${ref} - ${`${thresholdMs} milliseconds`}::interval
    order by w.oldest, w.shard limit ${limit}`;
}

const num = (value: unknown) => Number(value ?? 0);
const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : '');

/**
 * The cluster as the database sees it now (Postgres; on PGlite the tables exist but stay empty of nodes).
 * @throws whatever the driver throws when the database cannot be reached.
 */
export async function clusterStatus(db: Db, options: StatusOptions = {}): Promise<ClusterStatus> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const lagThresholdMs = options.lagThresholdMs ?? DEFAULT_LAG_THRESHOLD_MS;
  // Each query reads now() once (its own transaction): ages within one query share one reference time.
  const ref = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const [leaseRows, lagRows] = await Promise.all([
    db.execute(leaseQuery(ref)).then((r) => rowsOf<LeaseRow>(r)),
    db.execute(lagQuery(ref, lagThresholdMs, options.lagLimit ?? DEFAULT_LAG_LIMIT)).then((r) => rowsOf<Record<string, unknown>>(r)),
  ]);
  const nodes = leaseRows
    .filter((r) => r.node)
    .map((r): NodeStatus => {
      const heartbeatAgeMs = Math.round(num(r.heartbeat_age_ms));
      return {
        id: r.owner!,
        host: r.host!,
        pid: num(r.pid),
        url: r.url,
        startedAt: iso(r.started_at),
        heartbeatAgeMs,
        draining: r.draining === true,
        shards: num(r.live),
        alive: heartbeatAgeMs < leaseMs,
      };
    });
  const leases = leaseRows
    .filter((r) => r.owner !== null && num(r.live) + num(r.expired) > 0)
    .map((r) => ({ owner: r.owner!, shards: num(r.live), expired: num(r.expired), minRemainingMs: Math.round(num(r.min_ms)), maxRemainingMs: Math.round(num(r.max_ms)) }));
  const sum = (key: 'live' | 'expired' | 'free') => leaseRows.reduce((total, r) => total + num(r[key]), 0);
  return {
    mode: 'cluster',
    at: iso(leaseRows[0]?.at ?? null),
    nodes,
    // Shards never written yet (no process has started leases) are unowned too.
    shards: { total: SHARD_COUNT, owned: sum('live'), unowned: SHARD_COUNT - sum('live') - sum('expired'), expired: sum('expired') },
    leases,
    lagThresholdMs,
    lagging: lagRows.map((r) => ({ shard: num(r.shard), owner: (r.owner as string | null) ?? null, unprocessed: num(r.unprocessed), oldestAgeMs: Math.round(num(r.oldest_age_ms)) })),
    laggingTotal: num(lagRows[0]?.total),
  };
}

/** What an embedded (PGlite) install answers instead: one process, no leases. */
export interface SingleStatus {
  mode: 'single';
  database: 'pglite';
  note: string;
}

export const SINGLE_STATUS: SingleStatus = {
  mode: 'single',
  database: 'pglite',
  note: 'embedded PGlite: one process runs every conversation, with no shard leases (set DATABASE_URL to a Postgres database to run several)',
};

/** Unprocessed events (parked statuses aside) per shard among `shards`: one query; shards without any are absent. */
export async function unprocessedByShard(db: Db, shards: readonly number[]): Promise<Map<number, number>> {
  if (shards.length === 0) return new Map();
  const rows = rowsOf<{ shard: number | string; n: number | string }>(
    await db.execute(sql`select ${shardSql(sql`conversation_key`)} as shard, count(*) as n from inbound_events
      where ${WAITING_EVENT} and ${inShards(sql`conversation_key`, shards)} group by 1`),
  );
  return new Map(rows.map((r) => [num(r.shard), num(r.n)]));
}

/**
 * Registers `wasap_cluster_shards_owned` (shards this process holds, from `owned()` — Leases.owned) and
 * `wasap_cluster_unprocessed_events{shard}` (events waiting per shard this process holds, 0 included; one query per
 * scrape). A scrape whose query fails keeps the last figures rather than failing /metrics.
 */
export function registerClusterMetrics(metrics: Metrics, deps: { db: Db; owned: () => number[] }): void {
  metrics.gauge('wasap_cluster_shards_owned', 'Shards whose lease this process holds', () => deps.owned().length);
  // prom-client awaits an async collect; Metrics.gauge's collect is synchronous, so this one is built here.
  new client.Gauge({
    name: 'wasap_cluster_unprocessed_events',
    help: 'Unprocessed inbound events per shard this process holds (parked status callbacks aside)',
    labelNames: ['shard'] as const,
    registers: [metrics.registry],
    async collect() {
      const shards = deps.owned();
      let counts: Map<number, number>;
      try {
        counts = await unprocessedByShard(deps.db, shards);
      } catch {
        return;
      }
      this.reset();
      for (const shard of shards) this.set({ shard: String(shard) }, counts.get(shard) ?? 0);
    },
  });
}
