/**
 * @module server/cluster/leases — this process's shard leases (the `shard_leases` table): claimed with
 * `FOR UPDATE SKIP LOCKED` up to a fair share (ceil(256 / live processes)), renewed every heartbeat, handed back when
 * more processes join (after the shard's actors drained) and all released on a graceful stop. A lease that lapses
 * (a process killed, paused or cut off) is claimed by another with its epoch raised by one; the commit door fences
 * with that epoch (server/cluster/fence), so the old owner can no longer write once the new one took over.
 *
 * Times are the database's (`now()`): one clock for every process. The same pattern as Oban's and graphile-worker's
 * queue leases (rows claimed with SKIP LOCKED, expiry renewed by heartbeat).
 */
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import type { Logger } from '../logger';
import { SHARD_COUNT, shardsArray } from './shard';

export interface LeaseOptions {
  db: Db;
  logger: Logger;
  nodeId: string;
  /** This process's own address, shown by `wasap cluster status`. */
  url?: string;
  leaseMs: number;
  heartbeatMs: number;
  /** Shards just lost (taken over while this process was paused or cut off): their actors must stop now. */
  onLost(shards: number[]): void;
  /** Shards just claimed: their unprocessed events are read and told to their actors. */
  onGained(shards: number[]): void;
  /**
   * A heartbeat found this process had gone stale (its last renewal older than the lease: paused, cut off) or its
   * row gone (deleted as dead by another process): the others must hear it is back (server/cluster/node `alone`).
   */
  onBack?(): Promise<void>;
  /** Resolves once the actors of these shards finished what they hold (a hand-off or a stop). */
  drain(shards: number[]): Promise<void>;
  /** Shards with an actor still busy here (one that lost its lease and has not stopped): not claimed back until idle. */
  busyShards(): ReadonlySet<number>;
  /** The monotonic clock (ms; default performance.now): tests move it to stand for a pause. */
  clock?: () => number;
}

export interface Leases {
  /** The epoch this process holds the shard under, or undefined when it does not own it (or is handing it over). */
  epochOf(shard: number): number | undefined;
  /** True when the shard's events are run here. */
  owns(shard: number): boolean;
  /** Shards owned now, ascending. */
  owned(): number[];
  /** Registered and renewed within the lease: the process holds its leases or has been told it has none (for /readyz). */
  ready(): boolean;
  /** True while the last renewal is younger than the lease: what is held now cannot have been taken over yet. */
  fresh(): boolean;
  /** Started, not stopping, and the last renewal is as old as the lease or older (a pause, a cut, an outage). */
  stale(): boolean;
  /**
   * Started, not stopping, and the last renewal is FORGOTTEN_AFTER_MS old or older: another process may have deleted
   * this one's row as dead and so count itself alone (`alone`); until this process has renewed (and said it is back),
   * what it stores could be overtaken there by a later message of the same conversation.
   */
  forgotten(): boolean;
  /**
   * True when the last count of processes (any with a row in cluster_nodes, draining or not: a dead one's goes a
   * minute and a lease after its last heartbeat) found no other, within the lease, and that count was taken after
   * `since` (performance.now() ms: when a process last said it joined).
   */
  alone(since: number): boolean;
  /** Why not ready (for /readyz), or undefined. */
  reason(): string | undefined;
  /** Registers the node, runs the first claim and starts the heartbeat. */
  start(): Promise<void>;
  /** One heartbeat now (tests, and a send that wants a fresh lease first). */
  beat(): Promise<void>;
  /** Resolves once the hand-over in progress, if any, has released its shards (tests). */
  settled(): Promise<void>;
  /** Marks the node draining, drains and releases every shard, deletes its row. */
  stop(): Promise<void>;
}

type LeaseRow = { shard: number; epoch: string | number };

/** Writes the 256 lease rows once, whichever process comes first (a no-op ever after; never at migration, so an install that never clusters keeps an empty table). */
export async function ensureShardRows(db: Db): Promise<void> {
  await db.execute(sql`insert into shard_leases (shard) select s from generate_series(0, ${SHARD_COUNT - 1}) s on conflict (shard) do nothing`);
}

/**
 * A process silent this long (ms) may have lost its cluster_nodes row: rows are deleted a minute and a lease after
 * their last heartbeat (liveNodes), and the renewal's clock starts before the heartbeat it writes, so a process whose
 * last renewal is younger than a minute still has its row, whatever the lease.
 */
export const FORGOTTEN_AFTER_MS = 60_000;

/** Shards handed back per heartbeat at most: joins rebalance over a few beats, never by stalling every conversation at once. */
const RELEASE_PER_BEAT = 32;

export function createLeases(options: LeaseOptions): Leases {
  const { db, logger, nodeId } = options;
  const ttl = `${options.leaseMs} milliseconds`;
  const clock = options.clock ?? (() => performance.now());
  /** Shards run here, with their epoch. */
  const held = new Map<number, number>();
  /** Shards being handed over: still fenced with their epoch while their actors drain, no longer routed here. */
  const handing = new Map<number, number>();
  let renewedAt = -Infinity;
  /** The last heartbeat had to register this process again (its row was deleted as dead). */
  let back = false;
  /** Other processes at the last count (any with a row: it goes a minute and a lease after their last heartbeat), and when asked. */
  let others = Infinity;
  let countedAt = -Infinity;
  let started = false;
  let stopping = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let beating: Promise<void> | undefined;
  /** A hand-over in progress: it runs beside the heartbeats, which keep renewing the shards it drains. */
  let releasing: Promise<void> | undefined;

  /** The last renewal is as old as the lease or older at `at` (performance.now() ms): what is held may be taken over. */
  const lapsed = (at = clock()) => at - renewedAt >= options.leaseMs;

  const rows = async (query: ReturnType<typeof sql>) => rowsOf<LeaseRow>(await db.execute(query)).map((r) => ({ shard: Number(r.shard), epoch: Number(r.epoch) }));

  /**
   * Another process under this CLUSTER_NODE_ID with a recent heartbeat: a predecessor that just died (its heartbeat
   * stops within a lease), or a live twin (it goes on) — two would share one row and one owner name.
   * @throws Error when it is alive
   */
  async function refuseTwin(): Promise<void> {
    const twin = async () =>
      rowsOf<{ pid: number; host: string; beat: string }>(
        await db.execute(sql`select pid, host, heartbeat_at::text as beat from cluster_nodes where id = ${nodeId} and heartbeat_at > now() - ${ttl}::interval
          and not (pid = ${process.pid} and host = ${hostname()})`),
      )[0];
    const seen = await twin();
    if (!seen) return;
    await Bun.sleep(options.leaseMs);
    const again = await twin();
    if (again && again.beat !== seen.beat) {
      throw new Error(`CLUSTER_NODE_ID ${nodeId} is in use by a running process (pid ${again.pid} on ${again.host}): give each process its own, or leave it unset`);
    }
  }

  async function register(): Promise<void> {
    await ensureShardRows(db);
    await db.execute(sql`insert into cluster_nodes (id, host, pid, url) values (${nodeId}, ${hostname()}, ${process.pid}, ${options.url ?? null})
      on conflict (id) do update set heartbeat_at = now(), started_at = now(), draining = false, pid = excluded.pid, url = excluded.url`);
  }

  /** Live processes that take shards (heartbeat within the lease, not draining), this one included unless stopping. */
  async function liveNodes(): Promise<number> {
    // A process that died without stopping leaves its row: gone after a minute and a lease without a heartbeat
    // (cluster status). Never sooner: a process whose lease is still fresh has a row (`alone` counts on it).
    await db.execute(sql`delete from cluster_nodes where heartbeat_at < now() - ${`${FORGOTTEN_AFTER_MS} milliseconds`}::interval - ${ttl}::interval`);
    const askedAt = clock();
    const [row] = rowsOf<{ n: number | string; others: number | string }>(
      await db.execute(sql`update cluster_nodes set heartbeat_at = now() where id = ${nodeId} returning
        (select count(*) from cluster_nodes where not draining and heartbeat_at > now() - ${ttl}::interval) as n,
        (select count(*) from cluster_nodes where id <> ${nodeId}) as others`),
    );
    if (!row) (await register(), (back = true));
    others = row ? Number(row.others) : Infinity;
    countedAt = askedAt;
    return Math.max(1, Number(row?.n ?? 1));
  }

  async function renew(): Promise<void> {
    const mine = [...held.keys(), ...handing.keys()];
    if (mine.length === 0) return;
    const kept = await rows(sql`update shard_leases set expires_at = now() + ${ttl}::interval
      where owner = ${nodeId} and shard = any(${shardsArray(mine)}::smallint[]) returning shard, epoch`);
    const alive = new Map(kept.map((r) => [r.shard, r.epoch]));
    // A shard released while this renewal was in flight is no longer here: gone by choice, not lost.
    const lost = mine.filter((shard) => (held.has(shard) || handing.has(shard)) && alive.get(shard) !== (held.get(shard) ?? handing.get(shard)));
    if (lost.length === 0) return;
    for (const shard of lost) (held.delete(shard), handing.delete(shard));
    logger.warn('shard lease lost', { node: nodeId, shards: lost.join(',') });
    options.onLost(lost);
  }

  async function claim(count: number): Promise<void> {
    const busy = options.busyShards();
    const blocked = Array.from({ length: SHARD_COUNT }, (_, s) => s).filter((s) => held.has(s) || handing.has(s) || busy.has(s));
    const gained = await rows(sql`with free as (
        select shard from shard_leases
        where (owner is null or expires_at is null or expires_at < now()) and shard <> all(${shardsArray(blocked)}::smallint[])
        order by shard limit ${count} for update skip locked)
      update shard_leases l set owner = ${nodeId}, epoch = l.epoch + 1, expires_at = now() + ${ttl}::interval, acquired_at = now()
      from free where l.shard = free.shard returning l.shard, l.epoch`);
    if (gained.length === 0) return;
    for (const { shard, epoch } of gained) held.set(shard, epoch);
    logger.info('shard leases claimed', { node: nodeId, count: gained.length, owned: held.size });
    options.onGained(gained.map((g) => g.shard));
  }

  /** Hands `shards` over: no longer routed here, drained, then released for another process to claim. */
  async function release(shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    for (const shard of shards) {
      const epoch = held.get(shard);
      if (epoch === undefined) continue;
      held.delete(shard);
      handing.set(shard, epoch);
    }
    await options.drain(shards);
    const mine = shards.filter((s) => handing.has(s));
    // Drained: nothing here commits for them any more, so they leave the renewals before the release is written.
    const epochs = mine.map((s) => handing.get(s)!);
    for (const shard of mine) handing.delete(shard);
    await db.execute(sql`update shard_leases set owner = null, expires_at = null
      where owner = ${nodeId} and (shard, epoch) in (select * from unnest(${shardsArray(mine)}::smallint[], ${shardsArray(epochs)}::bigint[]))`);
    logger.info('shard leases released', { node: nodeId, count: mine.length, owned: held.size });
  }

  async function beatOnce(): Promise<void> {
    // The lease runs from when the renewal was sent (the database's now() is at or after it): a conservative start.
    const sentAt = clock();
    const stale = started && lapsed(sentAt);
    back = false;
    const nodes = await liveNodes();
    if ((stale || back) && options.onBack) await options.onBack();
    await renew();
    renewedAt = sentAt;
    if (stopping) return;
    const share = Math.ceil(SHARD_COUNT / nodes);
    if (held.size < share) await claim(share - held.size);
    else if (held.size > share && !releasing) {
      releasing = release([...held.keys()].slice(-Math.min(RELEASE_PER_BEAT, held.size - share)))
        .catch((error: unknown) => logger.warn('shard hand-over failed; the leases lapse and are claimed instead', { node: nodeId, err: error as Error }))
        .finally(() => (releasing = undefined));
    }
  }

  /** One heartbeat at a time; a failed one is logged and the next tries again (the lease outlives two missed beats). */
  function beat(): Promise<void> {
    beating ??= beatOnce()
      .catch((error: unknown) => logger.warn('cluster heartbeat failed', { node: nodeId, err: error as Error }))
      .finally(() => (beating = undefined));
    return beating;
  }

  return {
    epochOf: (shard) => held.get(shard) ?? handing.get(shard),
    owns: (shard) => held.has(shard),
    owned: () => [...held.keys()].sort((a, b) => a - b),
    ready: () => started && !stopping && !lapsed(),
    fresh: () => !lapsed(),
    stale: () => started && !stopping && lapsed(),
    forgotten: () => started && !stopping && clock() - renewedAt >= FORGOTTEN_AFTER_MS,
    alone: (since) => others === 0 && countedAt > since && clock() - countedAt < options.leaseMs,
    reason() {
      if (!started) return 'claiming shard leases';
      if (stopping) return 'shutting down';
      if (lapsed()) return 'shard leases not renewed within CLUSTER_LEASE_MS';
      return undefined;
    },
    async start() {
      await refuseTwin();
      await register();
      await beatOnce();
      started = true;
      timer = setInterval(() => void beat(), options.heartbeatMs);
      timer.unref?.();
    },
    beat,
    async settled() {
      await releasing;
    },
    async stop() {
      // Heartbeats go on renewing (and nothing more) while the shards drain, so none lapses mid-stop.
      stopping = true;
      await beating;
      await releasing;
      await db.execute(sql`update cluster_nodes set draining = true where id = ${nodeId}`).catch(() => {});
      try {
        await release([...held.keys()]);
      } finally {
        clearInterval(timer);
        await beating;
        await db.execute(sql`delete from cluster_nodes where id = ${nodeId}`).catch(() => {});
      }
    },
  };
}
