/** @module server/push/limiter.test — fair slots: per push service, per user, users in turn, bounded queues. */
import { describe, expect, test } from 'bun:test';
import { createLimiter, type Lane, type LimiterOptions } from './limiter';

const FCM = 'https://fcm.googleapis.com';
const SLOW = 'https://slow.push.example.com';
const OTHER = 'https://other.push.example.com';

/** A limiter whose tasks finish only when the test says so; `started` lists the tasks' names in the order they began. */
function harness(options: Partial<LimiterOptions> = {}) {
  const limiter = createLimiter({ concurrency: 8, perOrigin: 2, perUser: 2, maxQueued: 100, maxQueuedPerUser: 50, ...options });
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  let tag = 0;
  return {
    limiter,
    started,
    add(name: string, userId: number, origin: string, lane: Partial<Lane> = {}): boolean {
      return limiter.run({ userId, origin, tag: ++tag, ...lane }, () => {
        started.push(name);
        const { promise, resolve } = Promise.withResolvers<void>();
        finishers.set(name, resolve);
        return promise;
      });
    },
    async finish(name: string): Promise<void> {
      finishers.get(name)!();
      // The limiter starts the next task once the finished one's promise settles: let every pending callback run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('createLimiter', () => {
  test('a push service that hangs holds at most perOrigin slots; another service and another user go at once', () => {
    const h = harness();
    for (let i = 1; i <= 5; i++) h.add(`a${i}`, 1, SLOW);
    h.add('b1', 2, FCM);
    expect(h.started).toEqual(['a1', 'a2', 'b1']);
    expect(h.limiter.size()).toEqual({ running: 3, queued: 3 });
  });

  test("one user's devices on many services hold at most perUser slots", () => {
    const h = harness({ perOrigin: 8 });
    ['a1', 'a2', 'a3', 'a4', 'a5'].forEach((name, i) => h.add(name, 1, `https://h${i}.push.example.com`));
    h.add('b1', 2, SLOW);
    expect(h.started).toEqual(['a1', 'a2', 'b1']);
  });

  test('users take turns for the free slots; a user keeps her own order', async () => {
    const h = harness({ concurrency: 1, perOrigin: 1, perUser: 1 });
    h.add('a1', 1, FCM);
    h.add('a2', 1, OTHER);
    h.add('a3', 1, FCM);
    h.add('b1', 2, FCM);
    h.add('c1', 3, FCM);
    await h.finish('a1');
    await h.finish('a2');
    await h.finish('b1');
    await h.finish('c1');
    expect(h.started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3']);
  });

  test('a task for a busy service waits without holding back the same user’s task for a free one', async () => {
    const h = harness({ perUser: 3 });
    h.add('a1', 1, SLOW);
    h.add('a2', 1, SLOW);
    h.add('a3', 1, SLOW);
    h.add('a4', 1, FCM);
    expect(h.started).toEqual(['a1', 'a2', 'a4']);
    await h.finish('a1');
    expect(h.started).toEqual(['a1', 'a2', 'a4', 'a3']);
  });

  test('queues are bounded in all and per user; cancel drops a tag’s waiting tasks; idle waits for the rest', async () => {
    const h = harness({ concurrency: 1, maxQueued: 3, maxQueuedPerUser: 2 });
    expect(h.add('a1', 1, FCM)).toBe(true); // runs
    expect(h.add('a2', 1, FCM, { tag: 42 })).toBe(true);
    expect(h.add('a3', 1, FCM, { tag: 42 })).toBe(true);
    expect(h.add('a4', 1, FCM)).toBe(false); // her share of the queue is full
    expect(h.add('b1', 2, FCM)).toBe(true);
    expect(h.add('c1', 3, FCM)).toBe(false); // the queue is full
    expect(h.limiter.cancel(42)).toBe(2);
    expect(h.add('a5', 1, FCM)).toBe(true);
    let idle = false;
    const waiting = h.limiter.idle().then(() => (idle = true));
    await h.finish('a1');
    await h.finish('b1');
    expect(idle).toBe(false);
    await h.finish('a5');
    await waiting;
    expect(h.started).toEqual(['a1', 'b1', 'a5']);
  });
});
