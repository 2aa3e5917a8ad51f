/**
 * @module server/cluster/node — this process as one of several on one Postgres: its shard leases
 * (server/cluster/leases), the fence its commits check (server/cluster/fence), the hints it sends and hears
 * (server/cluster/hints), and the commands it forwards to a conversation's owner through `cluster_commands`.
 *
 * The conversation system binds its local side (`bind`): how to run a forwarded command, pull a conversation's
 * unprocessed events, drop a shard's actors and render a change committed elsewhere. Only the owner of a shard runs
 * its conversations' actors; any process accepts any webhook (the row is written first) and hints the owner.
 */
import { sql } from 'drizzle-orm';
import type { CommitResult } from '../../actors/conversation/ports';
import type { ConversationEvent } from '../../actors/conversation/types';
import type { ClusterConfig } from '../config-cluster';
import type { Db } from '../db/client';
import { rowsOf } from '../db/rows';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { createFence, type Fence } from './fence';
import { createHints, type Channel } from './hints';
import { createLeases, type Leases } from './leases';
import { shardOf, shardsArray } from './shard';

/** A forwarded command was withdrawn before its owner took it: it did not run and never will (safe to try again). */
export class CommandNotRunError extends ServiceUnavailableError {
  constructor() {
    super('The conversation is moving to another server process and nothing was saved; try again.');
  }
}

/**
 * A conversation operation run by the shard's owner for another process: an event told, sent (answered once handled)
 * or called (answered with the actor's reply), or `hold` — the actor's turn taken and kept (answered once taken)
 * until the caller relays `release` with the same `holdId` (or 60 s pass), so work that cannot travel (a closure,
 * e.g. an erasure) runs at the caller while the conversation stands still.
 */
export type ForwardedOp = { op: 'tell' | 'send' | 'call'; event: ConversationEvent } | { op: 'hold'; holdId: string };

/** A change committed by another process, as the pusher needs it (ids only). */
export interface RemoteChange {
  conversationId: number;
  result: CommitResult<never>;
  event: ConversationEvent;
}

/** What the conversation system does for the node. */
export interface ClusterLocal {
  /** Runs a forwarded op here (its shard is owned here); resolves with what its caller is answered (JSON). */
  run(key: string, op: ForwardedOp): Promise<unknown>;
  /** Reads these conversations' unprocessed inbound events and tells them to their actors, in id order. */
  pull(keys: string[]): void;
  /** Pulls every conversation of these shards with unprocessed events (a shard just gained, a lost listener). */
  catchUpShards(shards: number[]): Promise<void>;
  /** Drops the actors of shards that moved away (idle ones now, busy ones once their commit is refused). */
  evict(shards: number[]): void;
  /** Resolves once the actors of these shards hold no events (before they are handed over). */
  drain(shards: number[]): Promise<void>;
  busyShards(): ReadonlySet<number>;
  /** Renders a change another process committed, for the sockets connected here. */
  changed(change: RemoteChange): void;
}

/** The relay topic a process sends once registered, before it serves (see `alone`). */
const JOINED = 'joined';

export interface ClusterNodeOptions {
  db: Db;
  databaseUrl: string;
  logger: Logger;
  config: ClusterConfig;
  /** How long a forwarded command's caller waits for the owner's answer (ms, default 15,000). */
  answerTimeoutMs?: number;
}

/** Only ids and types cross in a push hint: the event's text stays in the database. */
function pushPart(nodeId: string, conversationId: number, result: CommitResult<unknown>, event: ConversationEvent): string {
  const e = event.type === 'conversation.assigned' ? { type: event.type, assigneeId: event.assigneeId } : { type: event.type };
  return JSON.stringify({ o: nodeId, c: conversationId, m: result.messageIds, t: result.touchedMessageIds, e });
}

export function createClusterNode(options: ClusterNodeOptions) {
  const { db, logger } = options;
  const nodeId = options.config.nodeId;
  const answerTimeoutMs = options.answerTimeoutMs ?? 15_000;
  let local: ClusterLocal | undefined;
  const bound = () => {
    if (!local) throw new Error('cluster node used before the conversation system bound to it');
    return local;
  };
  /** Callers waiting for a forwarded command's answer, by command id. */
  const waiting = new Map<number, (result: unknown) => void>();
  /** Forwarded commands being run here (not read again while they run). */
  const running = new Set<number>();
  let commandsRun: Promise<void> | undefined;
  let commandsAgain = false;
  let sweep: ReturnType<typeof setInterval> | undefined;
  /** Listeners of relayed messages, by topic. */
  const relays = new Map<string, (payload: unknown, origin: string) => void>();
  /** When another process last said it joined (performance.now() ms): this one is not alone from then on. */
  let joinHeardAt = -Infinity;
  relays.set(JOINED, () => (joinHeardAt = performance.now()));
  const alone = () => leases.alone(joinHeardAt);

  const leases: Leases = createLeases({
    db,
    logger,
    nodeId,
    leaseMs: options.config.leaseMs,
    heartbeatMs: options.config.heartbeatMs,
    onLost: (shards) => bound().evict(shards),
    onGained(shards) {
      bound().evict(shards);
      void bound()
        .catchUpShards(shards)
        .catch((error: unknown) => logger.warn('catch-up of gained shards failed; the sweep will retry', { err: error as Error }));
      runCommands();
    },
    drain: (shards) => bound().drain(shards),
    busyShards: () => bound().busyShards(),
  });
  const fence: Fence = createFence(nodeId, (shard) => leases.epochOf(shard));
  const hints = createHints({
    db,
    databaseUrl: options.databaseUrl,
    logger,
    onHint,
    onListen() {
      void bound()
        .catchUpShards(leases.owned())
        .catch(() => {});
      runCommands();
    },
  });

  function onHint(channel: Channel, part: string): void {
    switch (channel) {
      case 'wasap_events':
        if (leases.owns(shardOf(part))) bound().pull([part]);
        return;
      case 'wasap_commands':
        if (leases.owns(Number(part))) runCommands();
        return;
      case 'wasap_answers': {
        const [origin, id] = part.split(' ');
        if (origin === nodeId) void answered(Number(id));
        return;
      }
      case 'wasap_relay': {
        const hint = JSON.parse(part) as { o: string; t: string; p: unknown };
        if (hint.o !== nodeId) relays.get(hint.t)?.(hint.p, hint.o);
        return;
      }
      case 'wasap_push': {
        const hint = JSON.parse(part) as { o: string; c: number; m: Record<string, number>; t: number[]; e: ConversationEvent };
        if (hint.o === nodeId) return;
        const result: CommitResult<never> = { applied: true, conversationId: hint.c, messageIds: hint.m, touchedMessageIds: hint.t, mediaIds: [], enqueued: false, recordedSids: [] };
        bound().changed({ conversationId: hint.c, result, event: hint.e });
      }
    }
  }

  /**
   * The owner's answer to forwarded command `id`: from its hint, or read from the row (a hint lost). Past the timeout
   * a command nobody took is withdrawn (it will never run: the caller may safely try again); one taken is waited for
   * as long again, then its outcome is unknown.
   * @throws CommandNotRunError when withdrawn; ServiceUnavailableError when the outcome is unknown
   */
  async function answerOf(id: number, hinted: Promise<unknown>): Promise<unknown> {
    for (let round = 0; round < 2; round++) {
      const timeout = Promise.withResolvers<'timeout'>();
      const timer = setTimeout(() => timeout.resolve('timeout'), answerTimeoutMs);
      const first = await Promise.race([hinted.then((result) => ({ result })), timeout.promise]).finally(() => clearTimeout(timer));
      if (first !== 'timeout') return first.result;
      const [row] = rowsOf<{ result: unknown; answered: boolean }>(
        await db.execute(sql`delete from cluster_commands where id = ${id} and (taken_at is null or answered_at is not null)
          returning result, answered_at is not null as answered`),
      );
      if (row?.answered) return row.result;
      if (row) throw new CommandNotRunError();
    }
    throw new ServiceUnavailableError();
  }

  async function answered(id: number): Promise<void> {
    const resolve = waiting.get(id);
    if (!resolve) return;
    const [row] = rowsOf<{ result: unknown }>(await db.execute(sql`delete from cluster_commands where id = ${id} returning result`));
    waiting.delete(id);
    resolve(row?.result);
  }

  /** Runs the open forwarded commands of owned shards, in id order; one pass at a time, again if hinted meanwhile. */
  function runCommands(): void {
    if (commandsRun) {
      commandsAgain = true;
      return;
    }
    commandsRun = runOpenCommands()
      .catch((error: unknown) => logger.warn('forwarded commands not run; the sweep will retry', { err: error as Error }))
      .finally(() => {
        commandsRun = undefined;
        if (commandsAgain) ((commandsAgain = false), runCommands());
      });
  }

  async function runOpenCommands(): Promise<void> {
    const owned = leases.owned();
    if (owned.length === 0) return;
    // Taken once, atomically: a caller that gave up deletes only a row nobody took, so a command it was told failed
    // never runs later. A caller's wait is over once it is older than the answer timeout, so it is not taken then; a
    // 'tell' (nobody waits) is, and one taken by a process that died before running it is taken again after a minute.
    const rows = rowsOf<{ id: string | number; conversation_key: string; origin: string; command: ForwardedOp }>(
      await db.execute(sql`update cluster_commands c set taken_at = now() from (
          select id from cluster_commands
          where answered_at is null and shard = any(${shardsArray(owned)}::smallint[]) and id <> all(${shardsArray(running)}::bigint[])
            and (taken_at is null or (command ->> 'op' = 'tell' and taken_at < now() - interval '1 minute'))
            and (command ->> 'op' = 'tell' or created_at > now() - ${`${answerTimeoutMs} milliseconds`}::interval)
          order by id limit 500 for update skip locked) open
        where c.id = open.id returning c.id, c.conversation_key, c.origin, c.command`),
    );
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    // Each op is handed to its actor now, in id order (tell/send/call enqueue synchronously); answers follow.
    for (const row of rows) {
      const id = Number(row.id);
      if (!leases.owns(shardOf(row.conversation_key))) continue;
      running.add(id);
      void bound()
        .run(row.conversation_key, row.command)
        .then(
          (result) => finish(id, row.origin, row.command.op, result),
          (error: unknown) => finish(id, row.origin, row.command.op, { error: (error as Error).message }),
        )
        .catch((error: unknown) => logger.warn('forwarded command answer not written; its caller times out', { id, err: error as Error }))
        .finally(() => running.delete(id));
    }
  }

  async function finish(id: number, origin: string, op: ForwardedOp['op'], result: unknown): Promise<void> {
    if (op === 'tell') {
      await db.execute(sql`delete from cluster_commands where id = ${id}`);
      return;
    }
    await db.execute(sql`update cluster_commands set result = ${JSON.stringify(result ?? null)}::jsonb, answered_at = now() where id = ${id}`);
    hints.send('wasap_answers', `${origin} ${id}`);
  }

  return {
    nodeId,
    leases,
    fence,
    bind(side: ClusterLocal): void {
      local = side;
    },
    /** True when this process runs the conversation's actor now. */
    owns: (key: string): boolean => leases.owns(shardOf(key)),
    /**
     * Whether a call to the outside world (a WhatsApp send) for `key` may go out now: its shard is held and its lease
     * was renewed within CLUSTER_LEASE_MS (after a pause, a renewal is tried first). A process paused between this
     * check and the call can still make it once: the provider has no fencing; the new owner's look-up finds it.
     */
    async mayCall(key: string): Promise<'yes' | 'no'> {
      const shard = shardOf(key);
      if (!leases.owns(shard)) return 'no';
      if (leases.fresh()) return 'yes';
      await leases.beat();
      return leases.owns(shard) && leases.fresh() ? 'yes' : 'no';
    },
    /** Shards owned now (for the scoped queries of timers, the outbox, media and the sweep). */
    owned: (): number[] => leases.owned(),
    /** Tells the owner of `key` that it has new inbound events (coalesced NOTIFY). */
    hintEvents(key: string): void {
      if (!key.includes('\n')) hints.send('wasap_events', key);
    },
    /**
     * Broadcasts `payload` (JSON, well under 8 kB, no personal data beyond ids) to every other process's `onRelay`
     * listener of `topic`, in order; best effort (a lost relay is not retried).
     */
    relay(topic: string, payload: unknown): void {
      hints.send('wasap_relay', JSON.stringify({ o: nodeId, t: topic, p: payload }));
    },
    /** Receives what other processes `relay` on `topic` (one listener per topic), with the sender's node id. */
    onRelay(topic: string, listener: (payload: unknown, origin: string) => void): void {
      relays.set(topic, listener);
    },
    /**
     * True when no other process is live (none counted at the last heartbeat, none joined since): no other process
     * accepts webhooks or holds sockets, so stored events may be told straight to their actors and pushes stay here.
     */
    alone,
    /** Tells the other processes a change was committed, so their sockets render it (none to tell when alone). */
    publish(conversationId: number, result: CommitResult<unknown>, event: ConversationEvent): void {
      if (alone()) return;
      hints.send('wasap_push', pushPart(nodeId, conversationId, result, event));
    },
    /**
     * Runs `op` at the conversation's owner: written to `cluster_commands` (so a takeover still finds it), hinted,
     * and — for 'send' and 'call' — waited for. Resolves with the owner's answer (JSON); 'tell' resolves once written.
     * @throws ServiceUnavailableError when no answer came within the timeout (no owner, or the database is away)
     */
    async forward(key: string, op: ForwardedOp): Promise<unknown> {
      const shard = shardOf(key);
      const [row] = rowsOf<{ id: string | number }>(
        await db.execute(sql`insert into cluster_commands (conversation_key, shard, origin, command) values (${key}, ${shard}, ${nodeId}, ${JSON.stringify(op)}::jsonb) returning id`),
      );
      const id = Number(row!.id);
      if (op.op === 'tell') {
        hints.send('wasap_commands', String(shard));
        return undefined;
      }
      const { promise, resolve } = Promise.withResolvers<unknown>();
      waiting.set(id, resolve);
      hints.send('wasap_commands', String(shard));
      try {
        return await answerOf(id, promise);
      } finally {
        waiting.delete(id);
      }
    },
    /** Records where this process listens, for `wasap cluster status` (best effort). */
    async announce(url: string): Promise<void> {
      await db.execute(sql`update cluster_nodes set url = ${url} where id = ${nodeId}`).catch(() => {});
    },
    async start(): Promise<void> {
      await hints.start();
      await leases.start();
      // Before this process takes its first request: the others stop counting themselves alone once they hear it.
      await db.execute(sql`select pg_notify('wasap_relay', ${JSON.stringify({ o: nodeId, t: JOINED, p: null })})`);
      sweep = setInterval(() => {
        runCommands();
        // Answers nobody read, and commands whose caller gave up an hour ago, go.
        void db.execute(sql`delete from cluster_commands where answered_at < now() - interval '1 minute' or created_at < now() - interval '1 hour'`).catch(() => {});
      }, 5_000);
      sweep.unref?.();
    },
    /** Drains and releases every shard (graceful stop), then stops listening. */
    async stop(): Promise<void> {
      clearInterval(sweep);
      await leases.stop();
      await commandsRun;
      await hints.stop();
    },
  };
}

export type ClusterNode = ReturnType<typeof createClusterNode>;
