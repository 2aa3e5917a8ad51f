/**
 * @module server/cluster/fence — the check every conversation commit makes, in its own transaction, when several
 * processes share one Postgres: this process still owns the shards of the conversations it writes, under the epochs
 * it claimed them with. The lease rows are read `FOR KEY SHARE`, so a takeover (whose claim locks them `FOR UPDATE`)
 * waits for, or skips past, a commit in flight, and a commit that starts after a takeover sees the raised epoch and is
 * refused. A renewal (an UPDATE of non-key columns) does not conflict with the check. Expiry is not compared: an
 * expired lease nobody took yet is still this process's, and the epoch under the lock is what decides.
 *
 * The same pattern as a fencing token (Kleppmann, "How to do distributed locking", 2016): the store, not the lock
 * holder, refuses a stale writer.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { shardOf, shardsArray } from './shard';

/** This process no longer owns the shard of a conversation it tried to run or write (its lease moved). */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly shards: number[]) {
    super(`shard lease lost: ${shards.join(',')} (another process owns these conversations now)`);
  }
}

/** A fence as a statement carries it: who, and which shards under which epochs (Postgres array literals). */
export interface FenceParams {
  owner: string;
  shards: string;
  epochs: string;
}

/** The SQLSTATE `wasap_fence()` raises (migration 0018): a custom class, so nothing else is taken for it. */
export const FENCE_SQLSTATE = 'WF001';

/**
 * A CTE, `fence`, for a commit's own statement: one row once the shards are confirmed and locked, or the statement
 * fails with FENCE_SQLSTATE. The statement's first CTE joins it, so nothing of the statement is written otherwise.
 */
export function fenceCte(params: FenceParams): SQL {
  return sql`fence as materialized (select wasap_fence(${params.owner}, ${params.shards}::smallint[], ${params.epochs}::bigint[]) as held)`;
}

/** The fence of one process. */
export interface Fence {
  /** The parameters for these conversations' shards. @throws LeaseLostError when one is not held here */
  params(keys: readonly string[]): FenceParams;
  /** Checks inside `tx` (a transaction of several statements). @throws LeaseLostError */
  check(tx: Db | Tx, keys: readonly string[]): Promise<void>;
  /** Runs `work` (which writes `keys`' conversations), turning the database's refusal into LeaseLostError. */
  guard<T>(keys: readonly string[], work: () => Promise<T>): Promise<T>;
}

/**
 * Checks a fence given as parameters (another process's, handed over with its actor turn) inside `tx`: the lease rows
 * stay locked `FOR KEY SHARE` until `tx` ends, so the shard cannot move while it writes.
 * @throws LeaseLostError when that process no longer holds the shards under those epochs
 */
export async function checkFence(tx: Db | Tx, params: FenceParams): Promise<void> {
  try {
    await tx.execute(sql`select wasap_fence(${params.owner}, ${params.shards}::smallint[], ${params.epochs}::bigint[])`);
  } catch (error) {
    if (isFenceRefusal(error)) throw new LeaseLostError(JSON.parse(`[${params.shards.slice(1, -1)}]`) as number[]);
    throw error;
  }
}

function isFenceRefusal(error: unknown): boolean {
  return (error as { code?: unknown })?.code === FENCE_SQLSTATE || (error as { cause?: { code?: unknown } })?.cause?.code === FENCE_SQLSTATE;
}

/**
 * @param nodeId this process's `shard_leases.owner` value
 * @param epochOf the epoch a shard is held under here, undefined when it is not (server/cluster/leases)
 */
export function createFence(nodeId: string, epochOf: (shard: number) => number | undefined): Fence {
  function params(keys: readonly string[]): FenceParams {
    const shards = [...new Set(keys.map(shardOf))];
    const epochs = shards.map(epochOf);
    const missing = shards.filter((_, i) => epochs[i] === undefined);
    if (missing.length) throw new LeaseLostError(missing);
    return { owner: nodeId, shards: shardsArray(shards), epochs: shardsArray(epochs as number[]) };
  }
  async function guard<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isFenceRefusal(error)) throw new LeaseLostError([...new Set(keys.map(shardOf))]);
      throw error;
    }
  }
  return {
    params,
    guard,
    check: async (tx, keys) => checkFence(tx, params(keys)),
  };
}
