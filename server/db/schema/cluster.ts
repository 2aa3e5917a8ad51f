/**
 * @module server/db/schema/cluster — several processes on one Postgres (server/cluster): the processes alive
 * (`cluster_nodes`, heartbeat), who owns each of the 256 conversation shards (`shard_leases`: owner, epoch, expiry —
 * claimed with `FOR UPDATE SKIP LOCKED`, renewed by heartbeat; a commit holds `FOR KEY SHARE` on its shard's row to
 * fence out a process that lost the lease), and recruiter commands forwarded to a conversation's owner
 * (`cluster_commands`). PGlite installs are single-process and never write here.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/** One row per running server process, kept alive by its heartbeat; a row whose heartbeat stopped is gone after a minute. */
export const clusterNodes = pgTable('cluster_nodes', {
  /** CLUSTER_NODE_ID, default `<host>:<pid>:<random>`. */
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  /** Where it listens (its PUBLIC_URL is shared by all; this is the process's own address), for `wasap cluster status`. */
  url: text('url'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  /** True once it began a graceful stop: it claims nothing and others take its shards as it releases them. */
  draining: boolean('draining').notNull().default(false),
});

/** The 256 rows are written by the first process that starts leases (server/cluster/leases); `owner` null (or `expires_at` past) means free to claim. */
export const shardLeases = pgTable(
  'shard_leases',
  {
    shard: smallint('shard').primaryKey(),
    owner: text('owner'),
    /** Raised by one at every change of owner: a commit carries the epoch its process holds, and is refused otherwise. */
    epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    acquiredAt: timestamp('acquired_at', { withTimezone: true }),
  },
  (t) => [index('shard_leases_owner_idx').on(t.owner)],
);

/**
 * A recruiter command (reply, assign, note…) sent to a process that does not own the conversation: the owner runs
 * it and writes `result`; both sides are woken by NOTIFY hints carrying only the id. Rows are deleted once answered.
 */
export const clusterCommands = pgTable(
  'cluster_commands',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationKey: text('conversation_key').notNull(),
    shard: smallint('shard').notNull(),
    /** Who waits for the answer (a cluster_nodes id). */
    origin: text('origin').notNull(),
    command: jsonb('command').notNull(),
    result: jsonb('result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the owner took it to run (once: a caller that gave up deletes only a row not yet taken). */
    takenAt: timestamp('taken_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    index('cluster_commands_open_idx')
      .on(t.shard, t.id)
      .where(sql`answered_at IS NULL`),
  ],
);
