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
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { rowsOf } from '../db/rows';
import { shardOf, shardsArray } from './shard';

/** This process no longer owns the shard of a conversation it tried to run or write (its lease moved). */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly shards: number[]) {
    super(`shard lease lost: ${shards.join(',')} (another process owns these conversations now)`);
  }
}

/** The fence of one process: `check(tx, keys)` throws LeaseLostError inside `tx` unless every key's shard is still held. */
export interface Fence {
  check(tx: Db | Tx, keys: readonly string[]): Promise<void>;
}

/**
 * @param nodeId this process's `shard_leases.owner` value
 * @param epochOf the epoch a shard is held under here, undefined when it is not (server/cluster/leases)
 */
export function createFence(nodeId: string, epochOf: (shard: number) => number | undefined): Fence {
  return {
    async check(tx, keys) {
      const shards = [...new Set(keys.map(shardOf))];
      const epochs = shards.map(epochOf);
      const missing = shards.filter((_, i) => epochs[i] === undefined);
      if (missing.length) throw new LeaseLostError(missing);
      const [row] = rowsOf<{ n: number | string }>(
        await tx.execute(sql`select count(*) as n from (
          select 1 from shard_leases
          where owner = ${nodeId} and (shard, epoch) in (select * from unnest(${shardsArray(shards)}::smallint[], ${shardsArray(epochs as number[])}::bigint[]))
          for key share) held`),
      );
      if (Number(row?.n) !== shards.length) throw new LeaseLostError(shards);
    },
  };
}
