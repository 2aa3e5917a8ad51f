/** @module server/db/group-commit — group commit: concurrent units of work share one transaction (one COMMIT, one fsync). */
import type { Db } from './client';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface Unit<T> {
  work: (tx: Tx) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most units in one transaction. */
  maxBatch?: number;
  /** Transactions in flight at once (each on its own connection; PGlite has one). */
  concurrency?: number;
}

export interface GroupCommitStats {
  transactions: number;
  units: number;
  fallbacks: number;
}

/**
 * Units queue while a transaction is in flight and go together in the next one, so under load many
 * events pay for one COMMIT, and with no load a unit starts at once. A unit's promise resolves only
 * after the COMMIT that made it durable. If any unit of a batch fails, the batch is rolled back and
 * each unit runs again in its own transaction, so one bad unit never takes the others down with it.
 */
export function createGroupCommitter(db: Db, options: GroupCommitOptions = {}) {
  const maxBatch = options.maxBatch ?? 128;
  const concurrency = options.concurrency ?? 2;
  const queue: Unit<unknown>[] = [];
  const stats: GroupCommitStats = { transactions: 0, units: 0, fallbacks: 0 };
  let inFlight = 0;

  async function alone(unit: Unit<unknown>): Promise<void> {
    try {
      unit.resolve(await db.transaction((tx) => unit.work(tx)));
      stats.transactions++;
    } catch (error) {
      unit.reject(error);
    }
  }

  async function together(batch: Unit<unknown>[]): Promise<void> {
    let results: unknown[];
    try {
      results = await db.transaction(async (tx) => {
        // Started together, the units' statements are pipelined on the transaction's connection (postgres.js
        // writes each as it is issued): one round trip's wait for the batch, not one per statement. Every
        // unit is settled before the transaction ends, so a failure rolls back with nothing still in flight.
        const settled = await Promise.allSettled(batch.map((unit) => unit.work(tx)));
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
        return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
      });
    } catch {
      stats.fallbacks++;
      for (const unit of batch) await alone(unit);
      return;
    }
    stats.transactions++;
    batch.forEach((unit, i) => unit.resolve(results[i]));
  }

  function pump(): void {
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      stats.units += batch.length;
      const run = batch.length === 1 ? alone(batch[0]!) : together(batch);
      void run.finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    /**
     * One statement: run on its own (autocommit, one round trip) when nothing is waiting, else
     * batched with the queue. Either way it resolves only once committed.
     */
    single<T>(work: (db: Db | Tx) => Promise<T>): Promise<T> {
      if (queue.length === 0 && inFlight < concurrency) {
        inFlight++;
        stats.units++;
        stats.transactions++;
        return work(db).finally(() => {
          inFlight--;
          pump();
        });
      }
      return this.run(work);
    },
    run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
      const { promise, resolve, reject } = Promise.withResolvers<T>();
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      pump();
      return promise;
    },
    stats: (): GroupCommitStats => ({ ...stats }),
  };
}

export type GroupCommitter = ReturnType<typeof createGroupCommitter>;
