/**
 * @module server/db/batcher — the one batching loop: items submitted while work is in flight go together in the
 * next batch (one statement or one transaction for many), and an item submitted with nothing waiting goes at once.
 * Used for the durable webhook rows, every lane of the commit door and the pusher's reads.
 */

export interface BatcherOptions<I, O> {
  /** Runs two or more items together; resolves one output per item, in order. */
  many(items: I[]): Promise<O[]>;
  /** Runs one item alone (no load, or a failed batch retried item by item). */
  one(item: I): Promise<O>;
  /** Batches in flight at once (each on its own connection; 1 for PGlite, which has one). */
  concurrency: number;
  /** Most items in one batch. */
  maxBatch: number;
  /**
   * Items with the same key never share a batch nor run at the same time, so they run in the order submitted
   * (one conversation's commits). Without it any items may go together.
   */
  keyOf?(item: I): string | number;
  /**
   * What a failed batch does: `split` (default) runs each item again alone, so one bad item never fails the others
   * — only for work that is atomic per batch (a statement, a transaction); `reject` fails every item of the batch.
   */
  onBatchError?: 'split' | 'reject';
}

export interface BatcherStats {
  /** Batches run (one item alone counts as one). */
  batches: number;
  /** Items submitted and run. */
  items: number;
  /** Batches that failed and were split into items run alone. */
  splits: number;
}

interface Pending<I, O> {
  item: I;
  key: string | number | undefined;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface Batcher<I, O> {
  /** Resolves with the item's output once its batch is done (committed, for database work). */
  submit(item: I): Promise<O>;
  stats(): BatcherStats;
}

export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  const queue: Pending<I, O>[] = [];
  const busy = new Set<string | number>();
  const stats: BatcherStats = { batches: 0, items: 0, splits: 0 };
  let inFlight = 0;

  async function alone(p: Pending<I, O>): Promise<void> {
    try {
      p.resolve(await options.one(p.item));
    } catch (error) {
      p.reject(error);
    }
  }

  async function run(batch: Pending<I, O>[]): Promise<void> {
    stats.batches++;
    stats.items += batch.length;
    if (batch.length === 1) return alone(batch[0]!);
    let outputs: O[];
    try {
      outputs = await options.many(batch.map((p) => p.item));
    } catch (error) {
      if (options.onBatchError === 'reject') {
        for (const p of batch) p.reject(error);
        return;
      }
      stats.splits++;
      for (const p of batch) await alone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(outputs[i]!));
  }

  /** The next batch in submission order, skipping items whose key already has one in flight or in this batch. */
  function take(): Pending<I, O>[] {
    if (!options.keyOf) return queue.splice(0, options.maxBatch);
    const batch: Pending<I, O>[] = [];
    for (let i = 0; i < queue.length && batch.length < options.maxBatch;) {
      const p = queue[i]!;
      if (busy.has(p.key!)) {
        i++;
        continue;
      }
      busy.add(p.key!);
      batch.push(p);
      queue.splice(i, 1);
    }
    return batch;
  }

  function pump(): void {
    while (inFlight < options.concurrency && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) return;
      inFlight++;
      void run(batch).finally(() => {
        if (options.keyOf) for (const p of batch) busy.delete(p.key!);
        inFlight--;
        pump();
      });
    }
  }

  return {
    submit(item: I): Promise<O> {
      const { promise, resolve, reject } = Promise.withResolvers<O>();
      queue.push({ item, key: options.keyOf?.(item), resolve, reject });
      pump();
      return promise;
    },
    stats: () => ({ ...stats }),
  };
}
