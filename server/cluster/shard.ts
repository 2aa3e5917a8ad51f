/**
 * @module server/cluster/shard — which of the 256 shards a conversation belongs to: the first byte of the MD5 of its
 * actor key (the aspirant's `whatsapp_id`, E.164 or BSUID). The same function is written in SQL (`shardSql`) so
 * queries can pick a process's rows (timers, the outbox, unprocessed events) without a stored column; both must stay
 * equal (test: server/cluster/shard.test.ts). MD5 is used for spread, not secrecy.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';

/** Shards in the cluster: fixed, since the lease table holds one row per shard (migration 0018). */
export const SHARD_COUNT = 256;

/** The shard (0..255) of a conversation key. */
export function shardOf(key: string): number {
  return createHash('md5').update(key).digest()[0]!;
}

/** The shard of a key held in a SQL expression (a column), as `shardOf` computes it: a smallint expression. */
export function shardSql(key: SQL | unknown): SQL<number> {
  return sql<number>`get_byte(decode(md5(${key}), 'hex'), 0)`;
}

/** The condition that the key held in `column` falls in one of `shards` (one array parameter, one statement text). */
export function inShards(column: SQL | unknown, shards: Iterable<number>): SQL {
  return sql`${shardSql(column)} = any (${shardsArray(shards)}::int[])`;
}

/** A Postgres int[] literal of shards, `{1,2}`: one array parameter whatever the count (one prepared plan). */
export function shardsArray(shards: Iterable<number>): string {
  return `{${[...shards].join(',')}}`;
}
