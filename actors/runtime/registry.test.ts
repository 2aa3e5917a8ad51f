/** @module actors/runtime/registry.test — get-or-start, ordering under interleavings, passivation, LRU, drain, stats */
import { afterEach, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { createRegistry, RegistryClosedError } from './registry';
import type { Registry, RegistryOptions } from './registry';
import type { ActorBehaviour } from './mailbox';

type State = { status: string; seen: string[] };

const open: Registry<unknown, unknown, unknown>[] = [];
const gates: (() => void)[] = [];
const unexpected: unknown[] = [];
afterEach(async () => {
  for (const release of gates.splice(0)) release(); // a failed assertion must not leave drain waiting
  await Promise.all(open.splice(0).map((registry) => registry.drain()));
  expect(unexpected.splice(0)).toEqual([]);
});

/** A fake store, a clock and a behaviour whose handler can be held on a gate per event. */
function setup(options: RegistryOptions = {}) {
  const store = new Map<string, State>();
  const loads: string[] = [];
  const passivated: [string, State][] = [];
  const held = new Map<string, PromiseWithResolvers<void>>();
  const entered = new Map<string, PromiseWithResolvers<void>>();
  const clock = { now: 1_000 };
  const behaviour: ActorBehaviour<string, State, string, string> = {
    async load(key) {
      loads.push(key);
      return store.get(key) ?? { status: 'open', seen: [] };
    },
    async handle(key, state, event) {
      entered.get(event)?.resolve();
      await held.get(event)?.promise;
      if (event.startsWith('fail')) throw new Error(`cannot ${event}`);
      const next = { ...state, seen: [...state.seen, event] };
      store.set(key, next);
      // The reply a call gets: which event, and how many this actor has handled (from the state it was given).
      return { state: next, reply: `${event} #${next.seen.length}` };
    },
    onPassivate: (key, state) => void passivated.push([key, state]),
  };
  /** Holds `event` in its handler until the returned release() is called; `started` resolves on entry. */
  function hold(event: string) {
    const gate = Promise.withResolvers<void>();
    const start = Promise.withResolvers<void>();
    held.set(event, gate);
    entered.set(event, start);
    gates.push(() => gate.resolve());
    return { started: start.promise, release: () => gate.resolve() };
  }
  const registry = createRegistry(behaviour, {
    sweepEveryMs: 0,
    now: () => clock.now,
    sleep: async () => {},
    onError: (error) => void unexpected.push(error),
    ...options,
  });
  open.push(registry as Registry<unknown, unknown, unknown>);
  return { registry, store, loads, passivated, clock, hold, behaviour };
}

describe('registry: get-or-start and ordering', () => {
  test('concurrent sends to a new key start one actor and load its state once', async () => {
    const { registry, loads } = setup();
    const results = await Promise.all(['a', 'b', 'c'].map((event) => registry.send('k1', event)));
    expect(results.map((result) => result.deadLettered)).toEqual([false, false, false]);
    expect(loads).toEqual(['k1']);
    expect(await registry.ask('k1', (state) => state.seen)).toEqual(['a', 'b', 'c']);
  });

  test('different keys are handled concurrently', async () => {
    const { registry, hold } = setup();
    const one = hold('one');
    const two = hold('two');
    const sends = [registry.send('k1', 'one'), registry.send('k2', 'two')];
    await Promise.all([one.started, two.started]); // both in flight at once, or this never resolves
    expect(registry.stats()).toMatchObject({ busy: 2, mailboxDepth: 2 });
    one.release();
    two.release();
    await Promise.all(sends);
  });

  test('property: random interleavings keep per-key send order and never run two handlers for a key', async () => {
    const plan = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), failures: fc.integer({ min: 0, max: 2 }), later: fc.boolean() }), { maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), plan, async (s, sends) => {
        const store = new Map<string, number[]>();
        const running = new Set<string>();
        const failuresLeft = sends.map((send) => send.failures);
        const sentOrder = new Map<string, number[]>();
        let overlapped = false;
        const registry = createRegistry<string, number[], number>(
          {
            load: (key) => s.schedule(Promise.resolve([...(store.get(key) ?? [])]), `load ${key}`),
            async handle(key, state, id) {
              if (running.has(key)) overlapped = true;
              running.add(key);
              await s.schedule(Promise.resolve(), `handle ${key}#${id}`);
              running.delete(key);
              if (failuresLeft[id]!-- > 0) throw new Error('transient');
              store.set(key, [...state, id]);
              return { state: [...state, id] };
            },
          },
          { sweepEveryMs: 0, sleep: () => s.schedule(Promise.resolve(), 'backoff') },
        );
        function sendOne(key: string, id: number) {
          sentOrder.set(key, [...(sentOrder.get(key) ?? []), id]);
          return registry.send(key, id);
        }
        const pending = sends.map(({ key, later }, id) => (later ? s.schedule(Promise.resolve(), `send ${key}#${id}`).then(() => sendOne(key, id)) : sendOne(key, id)));
        const results = await s.waitFor(Promise.all(pending));
        expect(overlapped).toBe(false);
        expect(results.every((result) => !result.deadLettered)).toBe(true);
        for (const key of ['a', 'b', 'c']) expect(store.get(key) ?? []).toEqual(sentOrder.get(key) ?? []);
        const failures = sends.reduce((sum, send) => sum + send.failures, 0);
        expect(registry.stats()).toMatchObject({ processed: sends.length, failures, busy: 0, mailboxDepth: 0 });
        await registry.drain();
      }),
      { numRuns: 200 },
    );
  });
});

describe('registry: failures', () => {
  test('retries with backoff, then dead-letters once and moves on; stats count it all', async () => {
    const deadLetters: unknown[][] = [];
    const delays: number[] = [];
    const { registry, loads, behaviour } = setup({
      maxAttempts: 4,
      backoffMs: (attempt) => attempt * 100,
      sleep: async (ms) => void delays.push(ms),
    });
    behaviour.onDeadLetter = async (key, event, error, attempts) => {
      deadLetters.push([key, event, (error as Error).message, attempts]);
    };
    const failed = registry.send('k1', 'fail-me');
    const after = registry.send('k1', 'fine');
    expect(await failed).toMatchObject({ deadLettered: true, attempts: 4 });
    expect(await after).toEqual({ deadLettered: false, attempts: 1 });
    expect(deadLetters).toEqual([['k1', 'fail-me', 'cannot fail-me', 4]]);
    expect(delays).toEqual([100, 200, 300]);
    expect(loads).toEqual(['k1', 'k1', 'k1', 'k1', 'k1']); // start + 3 retries + reload before 'fine'
    expect(registry.stats()).toEqual({
      live: 1,
      busy: 0,
      mailboxDepth: 0,
      processed: 1,
      failures: 4,
      deadLetters: 1,
      restarts: 4,
      passivated: 0,
      waiting: 0,
      unavailableFailures: 0,
    });
  });
});

describe('registry: passivation', () => {
  test('passivates actors idle for idleMs by the injected clock, and restarts them from the store', async () => {
    const { registry, clock, passivated, loads } = setup({ idleMs: 60_000 });
    await registry.send('k1', 'hello');
    clock.now += 59_999;
    expect(registry.sweep()).toBe(0);
    clock.now += 1;
    expect(registry.sweep()).toBe(1);
    expect(registry.has('k1')).toBe(false);
    expect(passivated).toEqual([['k1', { status: 'open', seen: ['hello'] }]]);
    expect(await registry.ask('k1', (state) => state.seen)).toEqual(['hello']);
    expect(loads).toEqual(['k1', 'k1']);
    expect(registry.stats()).toMatchObject({ live: 1, passivated: 1 });
  });

  test('never passivates an actor that is busy or has queued events', async () => {
    const { registry, clock, hold } = setup({ idleMs: 1_000 });
    const slow = hold('slow');
    const first = registry.send('k1', 'slow');
    const queued = registry.send('k1', 'next');
    await slow.started;
    clock.now += 10_000;
    expect(registry.sweep()).toBe(0);
    expect(registry.has('k1')).toBe(true);
    slow.release();
    await Promise.all([first, queued]);
    expect(registry.sweep()).toBe(0); // idle time counts from when it went idle
    clock.now += 1_000;
    expect(registry.sweep()).toBe(1);
  });

  test('the sweep timer passivates idle actors on its own', async () => {
    const gone = Promise.withResolvers<string>();
    const { registry, behaviour } = setup({ idleMs: 0, sweepEveryMs: 1, now: Date.now });
    behaviour.onPassivate = (key) => gone.resolve(key);
    await registry.send('k1', 'hello');
    expect(await gone.promise).toBe('k1');
    expect(registry.has('k1')).toBe(false);
  });

  test('beyond maxLive the least recently used idle actors are passivated first', async () => {
    const { registry, passivated } = setup({ maxLive: 2 });
    await registry.send('a', 'x');
    await registry.send('b', 'x');
    await registry.send('a', 'y'); // a is now more recent than b
    await registry.send('c', 'x');
    expect(passivated.map(([key]) => key)).toEqual(['b']);
    expect(['a', 'b', 'c'].map((key) => registry.has(key))).toEqual([true, false, true]);
    expect(registry.stats()).toMatchObject({ live: 2, passivated: 1 });
  });

  test('the cap never passivates a busy actor; it catches up once the actor is idle', async () => {
    const { registry, hold, passivated } = setup({ maxLive: 1 });
    const a = hold('a1');
    const b = hold('b1');
    const sendA = registry.send('a', 'a1');
    const sendB = registry.send('b', 'b1');
    await Promise.all([a.started, b.started]);
    expect(registry.stats()).toMatchObject({ live: 2, busy: 2 });
    a.release();
    await sendA;
    expect(passivated.map(([key]) => key)).toEqual(['a']);
    b.release();
    await sendB;
    expect(registry.stats()).toMatchObject({ live: 1, busy: 0 });
    expect(registry.has('b')).toBe(true);
  });
});

describe('registry: drain', () => {
  test('finishes every queued event, then refuses new work with REGISTRY_CLOSED', async () => {
    const { registry, hold, store, passivated } = setup();
    const gate = hold('e1');
    const sends = ['e1', 'e2', 'e3'].map((event) => registry.send('k1', event));
    registry.tell('k2', 'told');
    await gate.started;
    let drained = false;
    const draining = registry.drain().then(() => (drained = true));
    expect(registry.drain()).toBe(registry.drain());
    await expect(registry.send('k1', 'late')).rejects.toBeInstanceOf(RegistryClosedError);
    await expect(registry.ask('k1', (state) => state)).rejects.toMatchObject({ code: 'REGISTRY_CLOSED' });
    expect(() => registry.tell('k1', 'late')).toThrow(RegistryClosedError);
    await Promise.resolve();
    expect(drained).toBe(false);
    gate.release();
    await draining;
    expect((await Promise.all(sends)).every((result) => !result.deadLettered)).toBe(true);
    expect(store.get('k1')?.seen).toEqual(['e1', 'e2', 'e3']);
    expect(store.get('k2')?.seen).toEqual(['told']);
    expect(passivated.map(([key]) => key).sort()).toEqual(['k1', 'k2']);
    expect(registry.stats()).toMatchObject({ live: 0, busy: 0, mailboxDepth: 0, processed: 4, passivated: 2 });
  });

  test('drain of an idle registry resolves at once', async () => {
    const { registry } = setup();
    await registry.drain();
    expect(registry.stats().live).toBe(0);
  });
});
