/** @module server/jobs/queue — what a queue is (Oban's shape) and how the wiring and tests drive one. */

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
  /** The job's lane; undefined: a job on its own. */
  lane?(job: J): Lane | undefined;
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
  /** Adds a queue; queues are recovered and opened in the order they were added. */
  add<J>(definition: QueueDefinition<J>): QueueHandle;
  wake(name: string): void;
  /** Recovers and opens every queue, in the order they were added; then polls them. */
  start(): Promise<void>;
  /** Stops every queue (see QueueHandle.stop). */
  stop(): Promise<void>;
  /** Claims and performs until nothing is due in any queue and nothing is in flight (tests, shutdown scripts). */
  drain(): Promise<void>;
}
