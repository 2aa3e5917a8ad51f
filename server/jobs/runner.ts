/**
 * @module server/jobs/runner — the one job runner (Oban's shape): a queue is `{ name, claim, perform, backoff }`;
 * one poll/wake loop claims what is due, one error policy decides what a failure means, one metrics family counts it.
 *
 * Error policy, stated where the loop runs: a failure of the infrastructure (server/db/unavailable `isTransient`:
 * the database or blob store unreachable, a serialization failure) waits and is retried for as long as it lasts,
 * never counted as an attempt; any other failure counts, is retried after `backoff(attempt)` and, once
 * `maxAttempts` are used up, handed to the queue's `discard`. A queue whose jobs are rows that carry their own
 * schedule persists the retry itself (`retry`); otherwise the runner keeps the job and performs it again.
 */
import { exponentialBackoff } from '../../actors/runtime';
import { isTransient } from '../db/unavailable';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createQueueMetrics, type QueueMetrics } from './metrics';

/** Jobs of one lane (e.g. one conversation) run one after another, in claim order; lanes run side by side. */
export type Lane = string | number;

export interface JobContext {
  /**
   * Runs one step of a job whose repetition would be wrong or costly (a send's bookkeeping, a blob write after the
   * download), waiting out infrastructure failures with the queue's `waitBackoff`. Rethrows a non-transient error
   * at once, and the transient one once the queue stops. `note` is logged (warn) at the first wait.
   */
  untilAvailable<T>(work: () => Promise<T>, note?: string): Promise<T>;
}

export interface QueueDefinition<J> {
  name: string;
  /** Jobs in flight at once (a lane's waiting jobs count). */
  limit: number;
  /** Milliseconds between polls when nothing wakes the queue; 0: only `wake()` and `runOnce()`. */
  pollMs: number;
  /** Up to `limit` due jobs, none of a lane in `busy` (rows claimed with `FOR UPDATE SKIP LOCKED` where rows are claimed). */
  claim(limit: number, busy: ReadonlySet<Lane>): Promise<J[]>;
  perform(job: J, ctx: JobContext): Promise<void>;
  lane?(job: J): Lane;
  /** Failures of the work itself before `discard` (default 1). */
  maxAttempts?: number;
  /** Delay before attempt `attempt + 1` after a failure of the work itself (default 1 s doubling, capped at 5 min). */
  backoff?(attempt: number): number;
  /** Delay before retry `n` while the infrastructure is unavailable (default 100 ms doubling, capped at 2 s). */
  waitBackoff?(n: number): number;
  /** Persists a retry due in `delayMs` in the job's own row (the job then leaves the runner until claimed again). */
  retry?(job: J, error: unknown, delayMs: number, ctx: JobContext): Promise<void>;
  /** The job's attempts are used up: mark it failed, tell whoever waits for it. */
  discard?(job: J, error: unknown, ctx: JobContext): Promise<void>;
  /** At start, before anything is claimed: puts work a crash interrupted back in reach. Returns how much there was. */
  recover?(): Promise<number>;
  /** `recover()` (and start) resolve only once the jobs recovery made due have finished. */
  settleRecovery?: boolean;
  /** A claim failed: its answer may have been lost after it committed. */
  claimFailed?(error: unknown): void;
}

/** One queue as the wiring and the tests drive it. */
export interface QueueHandle {
  readonly name: string;
  /** Runs the queue's recovery, opens it and wakes it; returns what recovery found. */
  recover(): Promise<number>;
  /** Claims now (or right after the claim under way); a no-op before the queue is opened or after it stopped. */
  wake(): void;
  /** Claims once, even before the queue is opened, and waits for the jobs in flight; returns how many it claimed. */
  runOnce(): Promise<number>;
  /** Resolves once no claim is under way and no job is in flight (jobs waiting to retry are in flight). */
  idle(): Promise<void>;
  /** Stops claiming, ends waits for the infrastructure, waits for jobs in flight. Jobs not done stay for the next start. */
  stop(): Promise<void>;
}

export interface JobRunner {
  add<J>(definition: QueueDefinition<J>): QueueHandle;
  wake(name: string): void;
  /** Recovers and opens every queue, in the order they were added; then polls them. */
  start(): Promise<void>;
  /** Stops every queue (see QueueHandle.stop). */
  stop(): Promise<void>;
  /** Claims and performs until nothing is due in any queue and nothing is in flight (tests, shutdown scripts). */
  drain(): Promise<void>;
}

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

export function createJobRunner(options: { logger: Logger; metrics: Metrics }): JobRunner {
  const { logger } = options;
  const family = createQueueMetrics(options.metrics);
  const queues = new Map<string, Queue<unknown>>();
  let pollTimer: ReturnType<typeof setTimeout> | undefined;

  /** Sleeps `ms`; false when the queue stopped meanwhile. */
  function pause(q: Queue<unknown>, ms: number): Promise<boolean> {
    return Promise.race([Bun.sleep(ms).then(() => true), q.stopping.promise.then(() => false)]);
  }

  function context(q: Queue<unknown>): JobContext {
    const waitBackoff = q.def.waitBackoff ?? exponentialBackoff({ baseMs: 100, capMs: 2000 });
    return {
      async untilAvailable(work, note) {
        for (let n = 1; ; n++) {
          try {
            return await work();
          } catch (error) {
            if (q.stopped || !isTransient(error)) throw error;
            q.metrics.failed('unavailable');
            if (n === 1 && note) logger.warn(note, { queue: q.def.name, err: error as Error });
            if (!(await pause(q, waitBackoff(n)))) throw error;
          }
        }
      },
    };
  }

  /** One job to its end under the error policy; never throws. */
  async function runJob(q: Queue<unknown>, job: unknown): Promise<void> {
    const { def } = q;
    const ctx = context(q);
    const backoff = def.backoff ?? exponentialBackoff({ baseMs: 1000, capMs: 5 * 60_000 });
    const waitBackoff = def.waitBackoff ?? exponentialBackoff({ baseMs: 100, capMs: 2000 });
    let attempts = 0;
    for (let waits = 1; ;) {
      try {
        await def.perform(job, ctx);
        q.metrics.completed();
        return;
      } catch (error) {
        const transient = isTransient(error);
        // Stopping: what waits for the infrastructure stays where it is (its row) for the next start.
        if (transient && q.stopped) return;
        const kind = transient ? 'unavailable' : ++attempts >= (def.maxAttempts ?? 1) ? 'discarded' : 'retried';
        q.metrics.failed(kind);
        try {
          if (kind === 'discarded') return void (await def.discard?.(job, error, ctx));
          const delay = transient ? waitBackoff(waits++) : backoff(attempts);
          if (def.retry) return void (await def.retry(job, error, delay, ctx));
          if (!transient || waits === 2)
            logger.warn(transient ? 'job waits for the database or blob store' : 'job failed; will retry', { queue: def.name, attempts, retryInMs: delay, err: error as Error });
          if (!(await pause(q, delay))) return;
        } catch (hookError) {
          logger.error('job failure could not be recorded', { queue: def.name, err: hookError as Error, cause: error as Error });
          return;
        }
      }
    }
  }

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
    if (lane === undefined) return track(q, runJob(q, job).finally(done), false);
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
          await runJob(q, next).finally(done);
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
    q.claiming = (async function claimLoop() {
      do {
        q.again = false;
        try {
          if ((await claimOnce(q)) > 0) q.again = true;
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
