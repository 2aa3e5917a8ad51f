/**
 * @module server/push/limiter — runs the push POSTs fairly: at most `concurrency` at a time in all, at most
 * `perOrigin` to one push service (scheme, host and port) and at most `perUser` for one user's devices, taking
 * users in turn (round robin) and each user's tasks in the order queued. So a push service that never answers holds
 * at most `perOrigin` of the slots and the devices of one user at most `perUser`: it delays only the alerts sent to
 * it, and everyone else's go out in the next free slot. At most `maxQueued` tasks wait in all and
 * `maxQueuedPerUser` for one user; past that a task is refused at once (an alert is worth less than the memory a
 * backlog of them would take, and one user's backlog must not crowd out everyone else's alerts).
 */

/** Whom a task is for: the user and the push service's origin it counts against, and a tag to cancel it by. */
export interface Lane {
  userId: number;
  /** `URL.origin` of the endpoint. */
  origin: string;
  /** The subscription's id: `cancel(tag)` drops its waiting tasks. */
  tag: number;
}

export interface LimiterOptions {
  /** Tasks running at once in all. */
  concurrency: number;
  /** Tasks running at once for one origin. */
  perOrigin: number;
  /** Tasks running at once for one user. */
  perUser: number;
  /** Tasks waiting in all. */
  maxQueued: number;
  /** Tasks waiting for one user. */
  maxQueuedPerUser: number;
}

export interface Limiter {
  /** Starts `task` as soon as its lane allows, or queues it; false when a queue is full (the task is dropped, never run). */
  run(lane: Lane, task: () => Promise<void>): boolean;
  /** Drops the waiting (not the running) tasks tagged `tag`; returns how many. */
  cancel(tag: number): number;
  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void>;
  /** Tasks running and waiting now. */
  size(): { running: number; queued: number };
}

interface Waiting {
  lane: Lane;
  task: () => Promise<void>;
  /** Order of arrival: a user's tasks for different origins still start in the order queued. */
  seq: number;
}

export function createLimiter(options: LimiterOptions): Limiter {
  const { concurrency, perOrigin, perUser, maxQueued, maxQueuedPerUser } = options;
  /** Per user, per origin, the waiting tasks; a user is here while she has any, in round-robin order (next first). */
  const waiting = new Map<number, Map<string, Waiting[]>>();
  const queuedOf = new Map<number, number>();
  const runningOfUser = new Map<number, number>();
  const runningOfOrigin = new Map<string, number>();
  const wakers: (() => void)[] = [];
  let running = 0;
  let queued = 0;
  let seq = 0;

  const bump = <K>(counts: Map<K, number>, key: K, by: number) => {
    const value = (counts.get(key) ?? 0) + by;
    if (value === 0) counts.delete(key);
    else counts.set(key, value);
  };

  /** The user's oldest waiting task whose origin has a free slot. */
  function startable(byOrigin: Map<string, Waiting[]>): Waiting[] | undefined {
    let best: Waiting[] | undefined;
    for (const [origin, list] of byOrigin) {
      if ((runningOfOrigin.get(origin) ?? 0) >= perOrigin) continue;
      if (!best || list[0]!.seq < best[0]!.seq) best = list;
    }
    return best;
  }

  function start(item: Waiting): void {
    const { userId, origin } = item.lane;
    running++;
    bump(runningOfUser, userId, 1);
    bump(runningOfOrigin, origin, 1);
    // A task reports its own failures; one that throws anyway must not stop the queue.
    item
      .task()
      .catch(() => {})
      .finally(() => {
        running--;
        bump(runningOfUser, userId, -1);
        bump(runningOfOrigin, origin, -1);
        next();
        if (running === 0 && queued === 0) for (const wake of wakers.splice(0)) wake();
      });
  }

  /** Takes the first task off `list` (the user's waiting tasks for `origin`). */
  function unqueue(userId: number, byOrigin: Map<string, Waiting[]>, origin: string, list: Waiting[]): Waiting {
    const item = list.shift()!;
    if (list.length === 0) byOrigin.delete(origin);
    if (byOrigin.size === 0) waiting.delete(userId);
    queued--;
    bump(queuedOf, userId, -1);
    return item;
  }

  function next(): void {
    while (running < concurrency) {
      let started = false;
      for (const [userId, byOrigin] of waiting) {
        if ((runningOfUser.get(userId) ?? 0) >= perUser) continue;
        const list = startable(byOrigin);
        if (!list) continue;
        const item = unqueue(userId, byOrigin, list[0]!.lane.origin, list);
        // Her turn is over: she goes to the back of the line (if she still has tasks waiting).
        if (waiting.delete(userId)) waiting.set(userId, byOrigin);
        start(item);
        started = true;
        break;
      }
      if (!started) return;
    }
  }

  return {
    run(lane, task) {
      if (queued >= maxQueued || (queuedOf.get(lane.userId) ?? 0) >= maxQueuedPerUser) return false;
      let byOrigin = waiting.get(lane.userId);
      if (!byOrigin) waiting.set(lane.userId, (byOrigin = new Map()));
      let list = byOrigin.get(lane.origin);
      if (!list) byOrigin.set(lane.origin, (list = []));
      list.push({ lane, task, seq: seq++ });
      queued++;
      bump(queuedOf, lane.userId, 1);
      next();
      return true;
    },
    cancel(tag) {
      let dropped = 0;
      for (const [userId, byOrigin] of [...waiting]) {
        for (const [origin, list] of [...byOrigin]) {
          const kept = list.filter((item) => item.lane.tag !== tag);
          const gone = list.length - kept.length;
          if (gone === 0) continue;
          if (kept.length === 0) byOrigin.delete(origin);
          else byOrigin.set(origin, kept);
          queued -= gone;
          bump(queuedOf, userId, -gone);
          dropped += gone;
        }
        if (byOrigin.size === 0) waiting.delete(userId);
      }
      if (running === 0 && queued === 0) for (const wake of wakers.splice(0)) wake();
      return dropped;
    },
    idle() {
      if (running === 0 && queued === 0) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      wakers.push(resolve);
      return promise;
    },
    size: () => ({ running, queued }),
  };
}
