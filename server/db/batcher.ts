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
   * With `keyOf`: `one` (default) — at most one item per key in a batch (the statement pairs rows up by key);
   * `many` — a key's items may share a batch, in submission order (answered in that order), but never two batches
   * in flight at once.
   */
  perKey?: 'one' | 'many';
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
  let queue: Pending<I, O>[] = [];
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

  /**
   * The next batch in submission order, skipping items whose key has a batch in flight (and, `perKey: 'one'`, a
   * second item of a key already in this batch). One pass over the queue, which keeps the items left in order.
   */
  function take(): Pending<I, O>[] {
    if (!options.keyOf) return queue.splice(0, options.maxBatch);
    const many = options.perKey === 'many';
    const batch: Pending<I, O>[] = [];
    const mine = new Set<string | number>();
    const rest: Pending<I, O>[] = [];
    for (const p of queue) {
      const key = p.key!;
      const free = mine.has(key) ? many : !busy.has(key);
      if (batch.length < options.maxBatch && free) {
        mine.add(key);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    for (const key of mine) busy.add(key);
    queue = rest;
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
      const key = options.keyOf?.(item);
      queue.push({ item, key, resolve, reject });
      // An item whose key has a batch in flight waits for that batch's end, which pumps: looking through the queue
      // for it now would find nothing new (and, under a backlog, cost a pass over the whole queue per item).
      if (key === undefined || !busy.has(key)) pump();
      return promise;
    },
    stats: () => ({ ...stats }),
  };
}
