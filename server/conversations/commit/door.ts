/**
 * @module server/conversations/commit/door — the ONE door every conversation commit goes through: the actor hands
 * over an event's effects, lanes.ts picks the lane, and each lane batches the commits of many conversations that
 * arrive together (one statement, or one shared transaction: group commit) through the one batcher
 * (server/db/batcher). Each commit resolves only after the COMMIT that made it durable.
 */
import type { CommitResult } from '../../../actors/conversation/ports';
import type { ConversationEvent, ConversationState, Effect } from '../../../actors/conversation/types';
import { createBatcher, type BatcherStats } from '../../db/batcher';
import type { RowRecord } from '../../db/queries/inbox';
import type { Db, Tx } from '../../db/client';
import type { Fence, FenceParams } from '../../cluster/fence';
import { emptyResult, generalUnit, parkEvent, ParkStatus } from './general';
import { laneOf, type Lane } from './lanes';
import { setPlan, type SetPlan } from './set-plan';
import { commitSet, type SetOutcome } from './set-statement';
import { commitStatuses, statusPlan, type StatusItem } from './status-statement';

export interface CommitDoorOptions {
  /**
   * Batches in flight at once per lane (each on its own connection). 1 for PGlite (one connection); on Postgres
   * (a pool of 10) the general lane takes `generalConcurrency` and the one-statement lanes `statementConcurrency`
   * each, so a one-statement commit never waits behind a first message's transaction. Each actor waits for its
   * commit before its next event, so this bounds one conversation's rate: with 100 conversations at 20 messages a
   * second each, four set statements in flight held 2,000/s where two held 1,800–1,900 (this machine, same runs).
   */
  generalConcurrency: number;
  statementConcurrency: number;
  /** Most events in one set-lane statement (default 100). */
  setMaxBatch?: number;
  /**
   * Several processes on one Postgres (server/cluster/fence): every batch checks, in its own transaction, that this
   * process still owns the shards of the conversations it writes; a batch that fails it is refused (LeaseLostError)
   * and nothing of it is written. Without it (PGlite, one process) commits are not fenced.
   */
  fence?: Fence;
}

/** Work that runs inside a transaction. */
type TxUnit<T> = (tx: Tx) => Promise<T>;

/** Units that share one transaction: started together, their statements are pipelined on its connection. */
async function together<T>(db: Db, units: TxUnit<T>[]): Promise<T[]> {
  return db.transaction(async (tx) => {
    // Every unit is settled before the transaction ends, so a failure rolls back with nothing still in flight.
    const settled = await Promise.allSettled(units.map((unit) => unit(tx)));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  });
}

export function createCommitDoor(db: Db, options: CommitDoorOptions) {
  const { fence } = options;
  /** A one-statement lane's batch, with the fence inside its one statement when several processes share the database. */
  function fenced<I, O>(keys: (items: I[]) => string[], run: (on: Db | Tx, items: I[], fence?: FenceParams) => Promise<O[]>) {
    if (!fence) return (items: I[]) => run(db, items);
    return (items: I[]) => {
      const owned = keys(items);
      return fence.guard(owned, () => run(db, items, fence.params(owned)));
    };
  }
  const statuses = fenced<StatusItem, CommitResult | null>((items) => items.map((item) => item.key), commitStatuses);
  const sets = fenced<SetPlan, SetOutcome>((plans) => plans.map((plan) => plan.key), commitSet);
  const general = createBatcher<TxUnit<CommitResult>, CommitResult>({
    one: (unit) => db.transaction((tx) => unit(tx)),
    many: (units) => together(db, units),
    concurrency: options.generalConcurrency,
    maxBatch: 128,
  });
  const status = createBatcher<StatusItem, CommitResult | null>({
    one: async (item) => (await statuses([item]))[0]!,
    many: statuses,
    concurrency: options.statementConcurrency,
    maxBatch: 128,
    // One update per conversation per statement (an actor commits one event at a time anyway).
    keyOf: (item) => item.plan.conversationId,
  });
  const set = createBatcher<SetPlan, SetOutcome>({
    one: async (plan) => (await sets([plan]))[0]!,
    many: sets,
    concurrency: options.statementConcurrency,
    maxBatch: options.setMaxBatch ?? 100,
    // One commit per conversation per statement: the statement's parts pair rows up by conversation.
    keyOf: (plan) => plan.key,
  });

  async function generalCommit(key: string, state: ConversationState, effects: Effect[], event: ConversationEvent, now: number): Promise<CommitResult> {
    try {
      const unit = generalUnit(key, state, effects, event, now);
      return await general.submit(fence ? async (tx) => (await fence.check(tx, [key]), unit(tx)) : unit);
    } catch (error) {
      if (!(error instanceof ParkStatus)) throw error;
      // Fenced as the commit is: a process that lost the shard leaves the event as the new owner will find it.
      await (fence ? db.transaction(async (tx) => (await fence.check(tx, [key]), parkEvent(tx, event))) : parkEvent(db, event));
      return { ...emptyResult(state.conversationId), parked: true };
    }
  }

  return {
    /**
     * Persists one event's effects, atomically, in the lane they need; resolves once committed. The set lane also
     * hands back the conversation's list row as its statement left it (`readBack`), for the push.
     */
    async commit(key: string, state: ConversationState, effects: Effect[], event: ConversationEvent, now: number): Promise<CommitResult<RowRecord>> {
      const lane: Lane = laneOf(state, event, effects);
      switch (lane) {
        case 'set': {
          const outcome = await set.submit(setPlan(state, event, effects, now));
          return outcome === 'stale' ? generalCommit(key, state, effects, event, now) : outcome;
        }
        case 'status': {
          const plan = statusPlan(state.conversationId!, effects);
          const done = await status.submit({ key, plan, event, now });
          // null: the message is not there yet — the general path parks a callback for it.
          return done ?? generalCommit(key, state, effects, event, now);
        }
        case 'general':
          return generalCommit(key, state, effects, event, now);
      }
    },
    /** Batches run and commits they carried, per lane, since start. */
    stats: (): Record<Lane, BatcherStats> => ({ general: general.stats(), status: status.stats(), set: set.stats() }),
  };
}

export type CommitDoor = ReturnType<typeof createCommitDoor>;
