/**
 * @module server/conversations/cluster-side — the conversation system's side of the cluster (server/cluster/node):
 * events reach an owner's actors from the `inbound_events` table, in id order (`pull`), whichever process wrote them;
 * operations on a conversation owned elsewhere are forwarded; a shard that moves drops its actors here.
 *
 * `pull` reads a batch of conversations' unprocessed events in one statement (index
 * inbound_events_unprocessed_key_idx) and tells each event once: it remembers, per conversation, the events it told
 * and still saw unprocessed, so a second hint does not tell them twice. An event told and then lost (its actor was
 * fenced or evicted) is found by the catch-up sweep, which tells the events of idle actors again.
 */
import { and, asc, isNull, sql } from 'drizzle-orm';
import type { ConversationEvent, ConversationState, ReplyResult } from '../../actors/conversation/types';
import type { Registry } from '../../actors/runtime';
import { checkFence, LeaseLostError, type FenceParams } from '../cluster/fence';
import type { ClusterLocal, ClusterNode, ForwardedOp, RemoteChange } from '../cluster/node';
import { inShards, shardOf } from '../cluster/shard';
import { createBatcher } from '../db/batcher';
import type { Db, Tx } from '../db/client';
import { rowsOf } from '../db/rows';
import { inboundEvents } from '../db/schema';
import type { Logger } from '../logger';
import { toEvent } from './stored-events';
import { ServiceUnavailableError } from '../errors';

/** How long after a failed catch-up read it is tried again (ms). */
const CATCH_UP_RETRY_MS = 5_000;

/** How long a turn held for another process is kept at most (ms): a caller that died gives it back by timing out. */
const HOLD_MAX_MS = 60_000;

/** A Postgres text[] literal (`{"a","b"}`): one array parameter, so the statement's text is the same for any count. */
export function textArray(values: Iterable<string>): string {
  return `{${[...values].map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/**
 * Checks, inside a transaction of the caller's, that the process holding a conversation's actor turn still owns its
 * shard (a no-op with one process). @throws LeaseLostError when it no longer does
 */
export type TurnFence = (tx: Db | Tx) => Promise<void>;

/** Events stored in `inbound_events` (they carry its row id): the table, not the hint, is what an owner reads. */
export function isStored(event: ConversationEvent): boolean {
  return typeof (event as { eventId?: unknown }).eventId === 'number';
}

export interface ClusterSideDeps {
  db: Db;
  logger: Logger;
  node: ClusterNode;
  registry: Registry<string, ConversationState, ConversationEvent, ReplyResult>;
  /** Hands an event to its local actor (the registry being closed is not an error). */
  tellLocal(key: string, event: ConversationEvent): void;
  /** Renders a change committed by another process for the sockets here. */
  remoteChanged?(change: RemoteChange): void;
  /** Shards just claimed: the background work of their conversations (media, timers, the outbox) is looked for now. */
  gained?(shards: number[]): void;
}

export function createClusterSide(deps: ClusterSideDeps) {
  const { db, node, registry, tellLocal } = deps;
  /** Per conversation, the unprocessed events told to its actor and not yet seen processed. */
  const told = new Map<string, Set<number>>();
  /** Turns held for another process (op 'hold'), by holdId: resolving one gives the turn back. */
  const holds = new Map<string, () => void>();
  node.onRelay('release', (holdId) => holds.get(String(holdId))?.());

  async function pullMany(keys: string[]): Promise<void[]> {
    const rows = await db
      .select()
      .from(inboundEvents)
      .where(and(isNull(inboundEvents.processedAt), sql`${inboundEvents.conversationKey} = any(${textArray(keys)}::text[])`))
      .orderBy(asc(inboundEvents.id));
    const seen = new Map<string, Set<number>>(keys.map((key) => [key, new Set()]));
    for (const row of rows) {
      const key = row.conversationKey;
      seen.get(key)?.add(row.id);
      if (!node.owns(key) || told.get(key)?.has(row.id)) continue;
      tellLocal(key, toEvent(row));
    }
    for (const [key, ids] of seen) {
      if (ids.size) told.set(key, ids);
      else told.delete(key);
    }
    return keys.map(() => undefined);
  }

  const pulls = createBatcher<string, void>({
    many: pullMany,
    one: async (key) => void (await pullMany([key])),
    concurrency: 2,
    maxBatch: 500,
    keyOf: (key) => key,
  });
  /** Pulls submitted and not finished, per conversation: an event told straight meanwhile could overtake theirs. */
  const pulling = new Map<string, number>();
  /** Owned shards whose unprocessed events were read since they were claimed: none of theirs is left behind. */
  const caughtUp = new Set<number>();
  /** Per shard, bumped when it is lost or claimed: a catch-up read for an earlier holding does not count for this one. */
  const holding = new Map<number, number>();
  /** Conversations whose last read failed: their events go through the table until one succeeds. */
  const unread = new Set<string>();

  /**
   * Reads the key's unprocessed events and tells them; resolves true once told, false when the read failed (logged:
   * the sweep retries; until a read succeeds the conversation takes no straight tells, which could overtake them).
   */
  async function pullOne(key: string): Promise<boolean> {
    pulling.set(key, (pulling.get(key) ?? 0) + 1);
    try {
      await pulls.submit(key);
      unread.delete(key);
      return true;
    } catch (error) {
      unread.add(key);
      deps.logger.warn('unprocessed events not read; the catch-up sweep will', { err: error as Error });
      return false;
    } finally {
      const left = pulling.get(key)! - 1;
      if (left) pulling.set(key, left);
      else pulling.delete(key);
    }
  }

  const keyInShards = (shards: number[]) => {
    const set = new Set(shards);
    return (key: string) => set.has(shardOf(key));
  };

  const local: ClusterLocal = {
    async run(key: string, op: ForwardedOp): Promise<unknown> {
      if (!node.owns(key)) throw new LeaseLostError([shardOf(key)]);
      switch (op.op) {
        case 'tell':
          return tellLocal(key, op.event);
        case 'send':
          return registry.send(key, op.event);
        case 'call':
          return registry.call(key, op.event);
        case 'hold': {
          const taken = Promise.withResolvers<void>();
          const given = Promise.withResolvers<void>();
          holds.set(op.holdId, given.resolve);
          const timer = setTimeout(given.resolve, HOLD_MAX_MS);
          void registry
            .exclusive(key, async () => {
              taken.resolve();
              await given.promise;
            })
            .catch(taken.reject)
            .finally(() => (clearTimeout(timer), holds.delete(op.holdId)));
          await taken.promise;
          // The caller's writes check this fence in their own transaction: they cannot land after the shard moved.
          return { held: true, fence: node.fence.params([key]) };
        }
      }
    },
    pull(keys) {
      for (const key of keys) void pullOne(key);
    },
    async catchUpShards(shards, gained) {
      if (shards.length === 0) return;
      const started = new Map(shards.map((shard) => (caughtUp.delete(shard), [shard, holding.get(shard) ?? 0])));
      // Their background work comes along only when they were just claimed (not when the listener came back: the
      // outbox rows this process is sending would be put in doubt).
      if (gained) deps.gained?.(shards);
      const rows = rowsOf<{ conversation_key: string }>(
        await db.execute(sql`select distinct conversation_key from inbound_events
          where processed_at is null and ${inShards(sql`conversation_key`, shards)}`),
      );
      const read = await Promise.all(rows.map((r) => pullOne(r.conversation_key)));
      // Only when every backlog was read, for the holding it was read for; else read again in a while (the sweep
      // meanwhile tells what is left), so one failed read does not keep the shards off the straight path for good.
      const current = [...started].filter(([shard, at]) => holding.get(shard) === at && node.owned().includes(shard)).map(([shard]) => shard);
      if (read.every(Boolean)) for (const shard of current) caughtUp.add(shard);
      else setTimeout(() => void local.catchUpShards(current, false).catch(() => {}), CATCH_UP_RETRY_MS).unref?.();
    },
    evict(shards) {
      const match = keyInShards(shards);
      for (const key of told.keys()) if (match(key)) told.delete(key);
      for (const key of unread) if (match(key)) unread.delete(key);
      for (const shard of shards) (caughtUp.delete(shard), holding.set(shard, (holding.get(shard) ?? 0) + 1));
      registry.evict(match);
    },
    drain: (shards) => registry.whenIdle(keyInShards(shards)),
    busyShards: () => new Set(registry.busyKeys().map(shardOf)),
    changed: (change) => deps.remoteChanged?.(change),
  };
  node.bind(local);

  return {
    /**
     * Runs `work` here while the owner (another process) holds the conversation's actor turn: resolves with what
     * `work` returned. `work` is given the owner's fence, to check inside its transaction (`checkFence`), so its
     * writes are refused once the shard moved. The owner's actor then starts again from the store.
     * @throws ServiceUnavailableError when the owner did not answer in time
     */
    async heldElsewhere<T>(key: string, work: (fenced: TurnFence) => Promise<T>): Promise<T> {
      const holdId = Bun.randomUUIDv7();
      let answer: { held?: boolean; fence?: FenceParams } | null;
      try {
        answer = (await node.forward(key, { op: 'hold', holdId })) as typeof answer;
      } catch (error) {
        // The owner may have taken the turn after this caller stopped waiting: given back, not kept for HOLD_MAX_MS.
        node.relay('release', holdId);
        throw error;
      }
      if (!answer?.held || !answer.fence) {
        node.relay('release', holdId);
        throw new ServiceUnavailableError();
      }
      const fence = answer.fence;
      try {
        return await work((tx) => checkFence(tx, fence));
      } finally {
        node.relay('release', holdId);
        // The shard may have come here meanwhile (a takeover): then the hold is this process's own.
        holds.get(holdId)?.();
      }
    },
    /**
     * A stored event of an owned conversation, just written here: told straight to its actor when this process is
     * alone (no other can have written an earlier event of it yet unread), its shard was caught up since it was
     * claimed, and no read of its events is in flight or failed; otherwise read from the table with the rest, in id order (one more
     * statement per batch, and the only way to keep the order when several processes write). Measured by
     * `bench/ingest.ts --driver postgres` (README, Benchmarks): told straight, a follow-up message costs 3.2 round
     * trips, as without cluster mode, not 5.1.
     */
    tellStored(key: string, event: ConversationEvent & { eventId: number }): void {
      if (!node.alone() || !caughtUp.has(shardOf(key)) || pulling.has(key) || unread.has(key)) return void pullOne(key);
      const ids = told.get(key);
      if (ids) ids.add(event.eventId);
      else told.set(key, new Set([event.eventId]));
      tellLocal(key, event);
    },
    /** An event was committed: it is no longer waiting to be told (keeps `told` to the events in flight). */
    processed(key: string, eventId: number): void {
      const ids = told.get(key);
      if (!ids?.delete(eventId) || ids.size > 0) return;
      told.delete(key);
    },
  };
}
