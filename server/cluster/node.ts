/**
 * @module server/cluster/node — this process as one of several on one Postgres: its shard leases
 * (server/cluster/leases), the fence its commits check (server/cluster/fence), the hints it sends and hears
 * (server/cluster/hints), and the commands it forwards to a conversation's owner (server/cluster/commands).
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
import type { Logger } from '../logger';
import { createCommands, type Commands, type ForwardedOp } from './commands';
import { createFence, type Fence } from './fence';
import { createHints, type Channel } from './hints';
import { createLeases, type Leases } from './leases';
import { shardOf } from './shard';

export { CommandNotRunError, type ForwardedOp } from './commands';

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
  /** Pulls every conversation of these shards with unprocessed events: `gained` (just claimed: their media, timers and outbox rows come along too), or a listener back. */
  catchUpShards(shards: number[], gained: boolean): Promise<void>;
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
  let local: ClusterLocal | undefined;
  const bound = () => {
    if (!local) throw new Error('cluster node used before the conversation system bound to it');
    return local;
  };
  /** Listeners of relayed messages, by topic. */
  const relays = new Map<string, (payload: unknown, origin: string) => void>();
  /** When another process last said it joined (performance.now() ms): this one is not alone from then on. */
  let joinHeardAt = -Infinity;
  relays.set(JOINED, () => (joinHeardAt = performance.now()));
  const alone = () => leases.alone(joinHeardAt);
  /**
   * Heartbeats until the lease is fresh again (at most twice): a beat already in flight may have started before the
   * pause, and only the next one sees it and says this process is back.
   */
  async function beatUntilFresh(): Promise<void> {
    for (let i = 0; i < 2 && leases.stale(); i++) await leases.beat();
  }
  /** Tells every other process this one is here (committed before it resolves; relay topic JOINED). */
  async function sayJoined(): Promise<void> {
    await db.execute(sql`select pg_notify('wasap_relay', ${JSON.stringify({ o: nodeId, t: JOINED, p: null })})`);
  }

  const leases: Leases = createLeases({
    db,
    logger,
    nodeId,
    leaseMs: options.config.leaseMs,
    heartbeatMs: options.config.heartbeatMs,
    onLost: (shards) => bound().evict(shards),
    // Back from a pause or a cut: said again before anything more is stored here (intake awaits a stale lease's beat).
    onBack: () => sayJoined(),
    onGained(shards) {
      bound().evict(shards);
      void bound()
        .catchUpShards(shards, true)
        .catch((error: unknown) => logger.warn('catch-up of gained shards failed; the sweep will retry', { err: error as Error }));
      commands.runOpen();
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
      // A process may have said it joined while this one was not listening: not alone until the next count.
      joinHeardAt = performance.now();
      void bound()
        .catchUpShards(leases.owned(), false)
        .catch(() => {});
      commands.runOpen();
    },
  });
  const commands: Commands = createCommands({
    db,
    logger,
    nodeId,
    hints,
    owns: (shard) => leases.owns(shard),
    owned: () => leases.owned(),
    run: (key, op) => bound().run(key, op),
    answerTimeoutMs: options.answerTimeoutMs ?? 15_000,
  });

  function onHint(channel: Channel, part: string): void {
    switch (channel) {
      case 'wasap_events':
        if (leases.owns(shardOf(part))) bound().pull([part]);
        return;
      case 'wasap_commands':
        return commands.onCommandsHint(part);
      case 'wasap_answers':
        return commands.onAnswerHint(part);
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
    /**
     * Awaited before a webhook's row is stored: when this process was silent long enough for the others to have
     * forgotten it (a pause or a cut of a minute or more: leases.forgotten), one heartbeat first, which says it is back
     * (see `alone`) — so no process tells its own later event ahead of this one's. A shorter lapse blocks nothing: its
     * row still keeps every other process off the lone path, and a busy process's webhooks are not refused for it.
     */
    beforeStore(): Promise<void> | void {
      if (leases.forgotten()) return beatUntilFresh();
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
     * True when no other process is registered (none at the last heartbeat's count, none joined since): no other process
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
     * @throws CommandNotRunError when withdrawn before anyone took it (nothing ran; safe to try again)
     * @throws ServiceUnavailableError when no answer came within the timeout (no owner, or the database is away)
     */
    forward: (key: string, op: ForwardedOp): Promise<unknown> => commands.forward(key, op),
    /** Records where this process listens, for `wasap cluster status` (best effort). */
    async announce(url: string): Promise<void> {
      await db.execute(sql`update cluster_nodes set url = ${url} where id = ${nodeId}`).catch(() => {});
    },
    async start(): Promise<void> {
      await hints.start();
      await leases.start();
      // Before this process takes its first request: the others stop counting themselves alone once they hear it.
      await sayJoined();
      commands.start();
    },
    /** Drains and releases every shard (graceful stop), then stops listening. */
    async stop(): Promise<void> {
      commands.stop();
      await leases.stop();
      await commands.idle();
      await hints.stop();
    },
  };
}

export type ClusterNode = ReturnType<typeof createClusterNode>;
