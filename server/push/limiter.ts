/**
 * @module server/push/limiter — runs tasks at most `concurrency` at a time and queues at most `maxQueued` more; past
 * that a task is refused at once (an alert is worth less than the memory a backlog of them would take).
 */

export interface Limiter {
  /** Starts `task` now or queues it; false when the queue is full (the task is dropped, never run). */
  run(task: () => Promise<void>): boolean;
  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void>;
}

export function createLimiter(concurrency: number, maxQueued: number): Limiter {
  const queue: (() => Promise<void>)[] = [];
  const waiters: (() => void)[] = [];
  let running = 0;

  function settled(): void {
    running--;
    next();
    if (running === 0 && queue.length === 0) for (const wake of waiters.splice(0)) wake();
  }

  function next(): void {
    while (running < concurrency && queue.length > 0) {
      const task = queue.shift()!;
      running++;
      // A task reports its own failures; one that throws anyway must not stop the queue.
      task()
        .catch(() => {})
        .finally(settled);
    }
  }

  return {
    run(task) {
      if (queue.length >= maxQueued) return false;
      queue.push(task);
      next();
      return true;
    },
    idle() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push(resolve);
      return promise;
    },
  };
}
