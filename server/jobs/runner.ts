/**
 * @module server/jobs/runner — the one job runner (Oban's shape): a queue is `{ name, claim, perform, backoff }`
 * (server/jobs/queue); one poll/wake loop claims what is due, lanes keep a key's jobs in order, one error policy
 * (server/jobs/error-policy) decides what a failure means, one metrics family (server/jobs/metrics) counts it all.
 *
 * Claims of one queue never overlap: a wake during a claim claims again right after it. A claim that fails is
 * logged, counted (`kind="claim"`) and told to the queue, and the next wake or poll tries again.
 */
import { isTransient } from '../db/unavailable';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { runJob } from './error-policy';
import { createQueueMetrics, type QueueMetrics } from './metrics';
import type { JobRunner, Lane, QueueDefinition, QueueHandle } from './queue';

export type { JobContext, JobRunner, Lane, QueueDefinition, QueueHandle } from './queue';

/** A queue's state in the runner. */
interface Queue<J> {
  def: QueueDefinition<J>;
  metrics: QueueMetrics;
  open: boolean;
  stopped: boolean;
  claiming: Promise<unknown> | null;
  again: boolean;
  /** The last claim took as many jobs as the limit allowed: more may be due. */
  limited: boolean;
  lanes: Map<Lane, J[]>;
  tasks: Set<Promise<void>>;
  inFlight: number;
  nextPollAt: number;
  stopping: PromiseWithResolvers<void>;
}

/**
 * A runner with no queues yet: `add` them (in start-up order), then `start()`. Polls with one timer (unref'd: it
 * never keeps the process alive); `stop()` before closing the database. `add` throws on a name used twice.
 */
export function createJobRunner(options: { logger: Logger; metrics: Metrics }): JobRunner {
  const { logger } = options;
  const family = createQueueMetrics(options.metrics);
  const queues = new Map<string, Queue<unknown>>();
  let pollTimer: ReturnType<typeof setTimeout> | undefined;

  /** A lane's end wakes the queue (its later jobs were left unclaimed meanwhile); a job's end does when claims were held back by the limit. */
  function track(q: Queue<unknown>, task: Promise<void>, lane: boolean): void {
    q.tasks.add(task);
    void task.finally(() => {
      q.tasks.delete(task);
      if (lane || q.limited) wake(q);
    });
  }

  /** Starts a claimed job: in its lane behind the lane's earlier jobs, or on its own. */
  function begin(q: Queue<unknown>, job: unknown): void {
    q.inFlight++;
    q.metrics.running(q.inFlight);
    const done = () => (q.inFlight--, q.metrics.running(q.inFlight));
    const lane = q.def.lane?.(job);
    if (lane === undefined) return track(q, runJob(q, job, logger).finally(done), false);
    const waiting = q.lanes.get(lane);
    if (waiting) return void waiting.push(job);
    const jobs = [job];
    q.lanes.set(lane, jobs);
    track(
      q,
      (async function runLane() {
        for (;;) {
          const next = jobs.shift();
          // Deleted in the same turn as the last shift: a job claimed for this lane never lands in a finished one.
          if (next === undefined) return void q.lanes.delete(lane);
          await runJob(q, next, logger).finally(done);
        }
      })(),
      true,
    );
  }

  async function claimOnce(q: Queue<unknown>): Promise<number> {
    const free = q.def.limit - q.inFlight;
    q.limited = free <= 0;
    if (q.limited) return 0;
    const jobs = await q.def.claim(free, new Set(q.lanes.keys()));
    q.limited = jobs.length >= free;
    if (jobs.length) q.metrics.claimed(jobs.length);
    for (const job of jobs) begin(q, job);
    return jobs.length;
  }

  function claimFailed(q: Queue<unknown>, error: unknown): void {
    q.metrics.failed('claim');
    q.def.claimFailed?.(error);
    if (isTransient(error)) logger.warn(`${q.def.name} paused: the database is unreachable`, { queue: q.def.name, err: error as Error });
    else logger.error(`${q.def.name} claim failed`, { queue: q.def.name, err: error as Error });
  }

  function wake(q: Queue<unknown>): void {
    if (q.stopped || !q.open) return;
    if (q.claiming) return void (q.again = true);
    // Claims again only when woken meanwhile: rows queued since, a lane ended, or a job ended while the limit held
    // claims back. A claim that got rows is not followed by a look for more — the claim took every due row it could
    // (fewer than the free slots: no more are due; as many: the limit now holds, and job ends wake it).
    q.claiming = (async function claimLoop() {
      do {
        q.again = false;
        try {
          await claimOnce(q);
        } catch (error) {
          claimFailed(q, error);
        }
      } while (q.again && !q.stopped);
    })().finally(() => (q.claiming = null));
  }

  async function idle(q: Queue<unknown>): Promise<void> {
    while (q.claiming || q.tasks.size) await Promise.all([q.claiming, ...q.tasks]);
  }

  /** One timer for every queue, set for the earliest poll due. */
  function schedulePolls(): void {
    clearTimeout(pollTimer);
    const polled = [...queues.values()].filter((q) => q.open && !q.stopped && q.def.pollMs > 0);
    if (!polled.length) return;
    const next = Math.min(...polled.map((q) => q.nextPollAt));
    pollTimer = setTimeout(
      function poll() {
        const now = performance.now();
        for (const q of polled) if (now >= q.nextPollAt) (wake(q), (q.nextPollAt = now + q.def.pollMs));
        schedulePolls();
      },
      Math.max(0, next - performance.now()),
    );
    pollTimer.unref();
  }

  function open(q: Queue<unknown>): void {
    if (q.open || q.stopped) return;
    q.open = true;
    q.nextPollAt = performance.now() + q.def.pollMs;
    schedulePolls();
  }

  function handle(q: Queue<unknown>): QueueHandle {
    return {
      name: q.def.name,
      async recover() {
        const found = (await q.def.recover?.()) ?? 0;
        open(q);
        wake(q);
        if (q.def.settleRecovery) await idle(q);
        return found;
      },
      wake: () => wake(q),
      async runOnce() {
        while (q.claiming) await q.claiming;
        let claimed = 0;
        const run = claimOnce(q).then(
          (n) => void (claimed = n),
          (error: unknown) => claimFailed(q, error),
        );
        q.claiming = run.finally(() => {
          q.claiming = null;
          if (q.again) wake(q);
        });
        await idle(q);
        return claimed;
      },
      idle: () => idle(q),
      async stop() {
        q.stopped = true;
        q.open = false;
        q.stopping.resolve();
        schedulePolls();
        await idle(q);
      },
    };
  }

  const handles = new Map<string, QueueHandle>();
  return {
    add<J>(def: QueueDefinition<J>): QueueHandle {
      if (queues.has(def.name)) throw new Error(`job queue ${def.name} is defined twice`);
      const q: Queue<J> = {
        def,
        metrics: family.of(def.name),
        open: false,
        stopped: false,
        claiming: null,
        again: false,
        limited: false,
        lanes: new Map(),
        tasks: new Set(),
        inFlight: 0,
        nextPollAt: 0,
        stopping: Promise.withResolvers(),
      };
      queues.set(def.name, q as Queue<unknown>);
      const h = handle(q as Queue<unknown>);
      handles.set(def.name, h);
      return h;
    },
    wake(name) {
      const q = queues.get(name);
      if (q) wake(q);
    },
    async start() {
      // Queues without recovery wait for their first poll; the others claim what recovery put back at once.
      for (const [name, q] of queues)
        if (q.def.recover) await handles.get(name)!.recover();
        else open(q);
    },
    async stop() {
      await Promise.all([...handles.values()].map((h) => h.stop()));
    },
    async drain() {
      for (let claimed = 1; claimed > 0;) {
        claimed = 0;
        for (const h of handles.values()) claimed += await h.runOnce();
      }
    },
  };
}
