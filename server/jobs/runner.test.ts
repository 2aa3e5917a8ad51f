/** @module server/jobs/runner.test — the job runner without a database: lanes, the limit, the error policy, recovery, stop, metrics. */
import { describe, expect, test } from 'bun:test';
import { createLogger } from '../logger';
import { createMetrics, type Metrics } from '../metrics';
import { createJobRunner, type QueueDefinition } from './runner';

const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

type Job = { id: number; lane?: string };

/** A queue over an in-memory list of jobs; `log` records what happened, in order. */
function listQueue(jobs: Job[], overrides: Partial<QueueDefinition<Job>> = {}) {
  const log: string[] = [];
  const busySeen: string[][] = [];
  const def: QueueDefinition<Job> = {
    name: 'test',
    limit: 10,
    pollMs: 0,
    async claim(limit, busy) {
      busySeen.push([...busy].map(String));
      return jobs.splice(0, limit);
    },
    async perform(job) {
      log.push(`start ${job.id}`);
      await Bun.sleep(5);
      log.push(`end ${job.id}`);
    },
    lane: (job) => job.lane,
    backoff: () => 1,
    waitBackoff: () => 1,
    ...overrides,
  };
  return { def, log, busySeen };
}

function setup() {
  const metrics = createMetrics();
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return { runner: createJobRunner({ logger, metrics }), metrics, lines };
}

async function metric(metrics: Metrics, name: string, labels: string): Promise<number> {
  const line = (await metrics.render()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('job runner', () => {
  test('jobs of one lane run one after another in claim order; lanes run side by side', async () => {
    const { runner } = setup();
    const q = listQueue([
      { id: 1, lane: 'a' },
      { id: 2, lane: 'b' },
      { id: 3, lane: 'a' },
    ]);
    const handle = runner.add(q.def);
    expect(await handle.runOnce()).toBe(3);
    expect(q.log.indexOf('end 1')).toBeLessThan(q.log.indexOf('start 3'));
    expect(q.log.indexOf('start 2')).toBeLessThan(q.log.indexOf('end 1'));
  });

  test('a claim is told which lanes are busy, and no more jobs than the limit are in flight', async () => {
    const { runner, metrics } = setup();
    let peak = 0;
    let running = 0;
    const jobs = Array.from({ length: 7 }, (_, i) => ({ id: i }));
    const q = listQueue(jobs, {
      limit: 3,
      async perform() {
        peak = Math.max(peak, ++running);
        await Bun.sleep(5);
        running--;
      },
    });
    const handle = runner.add(q.def);
    await runner.start();
    handle.wake();
    await handle.idle();
    expect({ peak, left: jobs.length }).toEqual({ peak: 3, left: 0 });
    expect(await metric(metrics, 'wasap_jobs_claimed_total', 'queue="test"')).toBe(7);
    expect(await metric(metrics, 'wasap_jobs_running', 'queue="test"')).toBe(0);

    const started = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const lanes = listQueue([{ id: 1, lane: 'x' }], {
      name: 'lanes',
      async perform() {
        started.resolve();
        await release.promise;
      },
    });
    const laned = runner.add(lanes.def);
    const first = laned.runOnce();
    await started.promise;
    const second = laned.runOnce();
    release.resolve();
    await Promise.all([first, second]);
    expect(lanes.busySeen).toEqual([[], ['x']]);
  });

  test('infrastructure failures wait and do not count; other failures retry with backoff, then are discarded', async () => {
    const { runner, metrics } = setup();
    let calls = 0;
    const discarded: unknown[] = [];
    const q = listQueue([{ id: 1 }], {
      maxAttempts: 2,
      async perform() {
        calls++;
        if (calls <= 3) throw unavailable();
        throw new Error('bad data');
      },
      async discard(job, error) {
        discarded.push([job.id, (error as Error).message]);
      },
    });
    await runner.add(q.def).runOnce();
    expect({ calls, discarded }).toEqual({ calls: 5, discarded: [[1, 'bad data']] });
    expect(await metric(metrics, 'wasap_jobs_failed_total', 'queue="test",kind="unavailable"')).toBe(3);
    expect(await metric(metrics, 'wasap_jobs_failed_total', 'queue="test",kind="retried"')).toBe(1);
    expect(await metric(metrics, 'wasap_jobs_failed_total', 'queue="test",kind="discarded"')).toBe(1);
  });

  test('a queue whose rows carry their schedule persists the retry; the job leaves the runner', async () => {
    const { runner } = setup();
    const retries: [number, string, number][] = [];
    const q = listQueue([{ id: 7 }], {
      backoff: (attempt) => attempt * 1000,
      maxAttempts: Number.POSITIVE_INFINITY,
      async perform() {
        throw new Error('boom');
      },
      async retry(job, error, delayMs) {
        retries.push([job.id, (error as Error).message, delayMs]);
      },
    });
    await runner.add(q.def).runOnce();
    expect(retries).toEqual([[7, 'boom', 1000]]);
  });

  test('nothing is claimed before recovery has run; start recovers queues in the order they were added', async () => {
    const { runner } = setup();
    const order: string[] = [];
    const first = listQueue([{ id: 1 }], {
      name: 'first',
      settleRecovery: true,
      async recover() {
        order.push('recover first');
        return 1;
      },
      async perform() {
        order.push('perform first');
      },
    });
    const second = listQueue([], {
      name: 'second',
      async recover() {
        order.push('recover second');
        return 0;
      },
    });
    runner.add(first.def).wake();
    runner.add(second.def);
    expect(order).toEqual([]);
    await runner.start();
    expect(order).toEqual(['recover first', 'perform first', 'recover second']);
  });

  test('polls wake the queue; stop ends a wait for the infrastructure and leaves the job', async () => {
    const { runner, lines } = setup();
    const jobs: Job[] = [];
    let tries = 0;
    const waited = Promise.withResolvers<void>();
    const q = listQueue(jobs, {
      pollMs: 5,
      async perform(_job, ctx) {
        await ctx.untilAvailable(async () => {
          if (++tries === 3) waited.resolve();
          throw unavailable();
        }, 'store unavailable; waiting');
      },
    });
    const handle = runner.add(q.def);
    await runner.start();
    jobs.push({ id: 1 });
    await waited.promise;
    await handle.stop();
    const settled = tries;
    await Bun.sleep(20);
    expect(tries).toBe(settled);
    expect(lines.filter((l) => l.msg === 'store unavailable; waiting')).toHaveLength(1);
    handle.wake();
    await handle.idle();
  });

  test('a failed claim is logged and counted, and the queue is told', async () => {
    const { runner, metrics, lines } = setup();
    const told: unknown[] = [];
    const q = listQueue([], {
      async claim() {
        throw unavailable();
      },
      claimFailed: (error) => told.push((error as Error).message),
    });
    expect(await runner.add(q.def).runOnce()).toBe(0);
    expect(told).toEqual(['connect ECONNREFUSED 127.0.0.1:5432']);
    expect(lines.some((l) => l.msg === 'test paused: the database is unreachable')).toBe(true);
    expect(await metric(metrics, 'wasap_jobs_failed_total', 'queue="test",kind="claim"')).toBe(1);
  });
});
