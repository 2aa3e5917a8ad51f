/** @module server/jobs/metrics — the job runner's one metrics family, labelled by queue. */
import type { Metrics } from '../metrics';

/**
 * Why a job (or a claim) did not complete: `unavailable` the database or blob store was unreachable (waited out,
 * not an attempt), `retried` the work failed and will be tried again, `discarded` its attempts are used up,
 * `claim` the claim itself failed.
 */
export type FailureKind = 'unavailable' | 'retried' | 'discarded' | 'claim';

export interface QueueMetrics {
  claimed(n: number): void;
  completed(): void;
  failed(kind: FailureKind): void;
  running(n: number): void;
}

/**
 * `wasap_jobs_claimed_total{queue}`, `wasap_jobs_completed_total{queue}`, `wasap_jobs_failed_total{queue,kind}`
 * and `wasap_jobs_running{queue}` (jobs in flight, a lane's waiting ones included).
 */
export function createQueueMetrics(metrics: Metrics) {
  const claimed = metrics.counter('wasap_jobs_claimed_total', 'Jobs claimed, by queue', ['queue'] as const);
  const completed = metrics.counter('wasap_jobs_completed_total', 'Jobs performed to the end, by queue', ['queue'] as const);
  const failed = metrics.counter('wasap_jobs_failed_total', 'Job and claim failures, by queue and kind (unavailable, retried, discarded, claim)', ['queue', 'kind'] as const);
  const running = metrics.gauge('wasap_jobs_running', 'Jobs in flight, by queue', undefined, ['queue'] as const);
  return {
    of(queue: string): QueueMetrics {
      return {
        claimed: (n) => claimed.inc({ queue }, n),
        completed: () => completed.inc({ queue }),
        failed: (kind) => failed.inc({ queue, kind }),
        running: (n) => running.set({ queue }, n),
      };
    },
  };
}
