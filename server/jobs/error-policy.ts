/**
 * @module server/jobs/error-policy — the one error policy every queue's jobs run under.
 *
 * A failure of the infrastructure (server/db/unavailable `isTransient`: the database or blob store unreachable, a
 * serialization failure) waits and is retried for as long as it lasts, never counted as an attempt; stopping ends
 * the wait and leaves the job where it is (its row) for the next start. Any other failure counts, is retried after
 * `backoff(attempt)` and, once `maxAttempts` are used up, handed to the queue's `discard`. A queue whose jobs are
 * rows that carry their own schedule persists the retry itself (`retry`); otherwise the job is kept and performed
 * again here.
 */
import { exponentialBackoff } from '../../actors/runtime';
import { isTransient } from '../db/unavailable';
import type { Logger } from '../logger';
import type { QueueMetrics } from './metrics';
import type { JobContext, QueueDefinition } from './queue';

/** What the policy needs of a queue's state. */
export interface PolicyQueue {
  readonly def: QueueDefinition<unknown>;
  readonly metrics: QueueMetrics;
  readonly stopped: boolean;
  /** Resolved when the queue stops. */
  readonly stopping: { readonly promise: Promise<void> };
}

const defaultWaitBackoff = exponentialBackoff({ baseMs: 100, capMs: 2000 });
const defaultBackoff = exponentialBackoff({ baseMs: 1000, capMs: 5 * 60_000 });

/** Sleeps `ms`; false when the queue stopped meanwhile. */
function pause(q: PolicyQueue, ms: number): Promise<boolean> {
  return Promise.race([Bun.sleep(ms).then(() => true), q.stopping.promise.then(() => false)]);
}

function context(q: PolicyQueue, logger: Logger): JobContext {
  const waitBackoff = q.def.waitBackoff ?? defaultWaitBackoff;
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

/** Performs one job to its end under the policy; never throws (a failing hook is logged). */
export async function runJob(q: PolicyQueue, job: unknown, logger: Logger): Promise<void> {
  const { def } = q;
  const ctx = context(q, logger);
  const backoff = def.backoff ?? defaultBackoff;
  const waitBackoff = def.waitBackoff ?? defaultWaitBackoff;
  let attempts = 0;
  for (let waits = 1; ;) {
    try {
      await def.perform(job, ctx);
      q.metrics.completed();
      return;
    } catch (error) {
      const transient = isTransient(error);
      if (transient && q.stopped) return;
      const kind = transient ? 'unavailable' : ++attempts >= (def.maxAttempts ?? 1) ? 'discarded' : 'retried';
      q.metrics.failed(kind);
      try {
        if (kind === 'discarded') return void (await def.discard?.(job, error, ctx));
        const delay = transient ? waitBackoff(waits++) : backoff(attempts);
        if (def.retry) return void (await def.retry(job, error, delay, ctx));
        if (!transient || waits === 2) {
          logger.warn(transient ? 'job waits for the database or blob store' : 'job failed; will retry', { queue: def.name, attempts, retryInMs: delay, err: error as Error });
        }
        if (!(await pause(q, delay))) return;
      } catch (hookError) {
        logger.error('job failure could not be recorded', { queue: def.name, err: hookError as Error, cause: error as Error });
        return;
      }
    }
  }
}
