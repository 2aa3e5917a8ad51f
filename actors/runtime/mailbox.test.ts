/** @module actors/runtime/mailbox.test — one actor's loop: ordering, retry with reload, dead letters, asks */
import { describe, expect, test } from 'bun:test';
import { Actor, UNLOADED, post } from './mailbox';
import type { ActorBehaviour, MailboxCounters, MailboxHost, SendResult } from './mailbox';

type State = { events: string[]; dirty?: boolean };

/** A store of persisted states plus a behaviour whose handle can be scripted per event. */
interface Script {
  failTimes?: Record<string, number>;
  failLoads?: number;
  /** Times each event fails because "the database is down" (an infrastructure failure). */
  outageTimes?: Record<string, number>;
  sleep?: (ms: number) => Promise<void>;
}

function setup(script: Script = {}) {
  const stored: State = { events: [] };
  const calls: string[] = [];
  const failTimes = { ...script.failTimes };
  const outageTimes = { ...script.outageTimes };
  let closed = false;
  let failLoads = script.failLoads ?? 0;
  const deadLetters: unknown[][] = [];
  const behaviour: ActorBehaviour<string, State, string> = {
    async load(key) {
      calls.push(`load ${key}`);
      if (failLoads-- > 0) throw new Error('store down');
      return { events: [...stored.events] };
    },
    async handle(_key, state, event) {
      calls.push(`handle ${event}${state.dirty ? ' dirty' : ''}`);
      if ((outageTimes[event] ?? 0) > 0) {
        outageTimes[event]!--;
        throw Object.assign(new Error('database down'), { unavailable: true });
      }
      if ((failTimes[event] ?? 0) > 0) {
        failTimes[event]!--;
        state.dirty = true; // a half-done change that must not survive the failure
        throw new Error(`failed ${event}`);
      }
      stored.events = [...state.events, event];
      return { state: { events: stored.events } };
    },
    async onDeadLetter(key, event, error, attempts) {
      deadLetters.push([key, event, (error as Error).message, attempts]);
    },
  };
  const counters: MailboxCounters = { busy: 0, depth: 0, processed: 0, failures: 0, deadLetters: 0, restarts: 0, waiting: 0, unavailableFailures: 0 };
  const sleeps: number[] = [];
  const reported: unknown[] = [];
  let idle = Promise.withResolvers<void>();
  const host: MailboxHost<string, State, string> = {
    behaviour,
    maxAttempts: 3,
    backoffMs: (attempt) => attempt * 10,
    isTransient: (error) => (error as { unavailable?: boolean }).unavailable === true,
    isFenced: (error) => (error as { fenced?: boolean }).fenced === true,
    transientBackoffMs: (attempt) => 1000 + attempt,
    isClosed: () => closed,
    sleep: script.sleep ?? (async (ms) => void sleeps.push(ms)),
    counters,
    report: (error) => void reported.push(error),
    settled: () => idle.resolve(),
  };
  const actor = new Actor<string, State, string>('c1', UNLOADED, 0);
  function send(event: string): Promise<SendResult> {
    const { promise, resolve } = Promise.withResolvers<SendResult>();
    post(actor, { kind: 'event', event, settle: resolve }, host);
    return promise;
  }
  function ask<R>(read: (state: State) => R): Promise<R> {
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    post(actor, { kind: 'ask', read, resolve: resolve as (value: unknown) => void, reject }, host);
    return promise;
  }
  async function settled(): Promise<void> {
    await idle.promise;
    idle = Promise.withResolvers<void>();
  }
  function tell(event: string): void {
    post(actor, { kind: 'event', event, settle: undefined }, host);
  }
  const close = () => void (closed = true);
  return { actor, host, behaviour, stored, calls, deadLetters, counters, sleeps, reported, send, tell, ask, settled, close };
}

describe('mailbox', () => {
  test('handles events one at a time in the order they were posted, loading state once', async () => {
    const m = setup();
    const started = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const entered: string[] = [];
    const handle = m.behaviour.handle;
    m.behaviour.handle = async (key, state, event) => {
      entered.push(event);
      if (event === 'a') {
        started.resolve();
        await release.promise;
      }
      return handle(key, state, event);
    };
    const results = [m.send('a'), m.send('b'), m.send('c')];
    expect(m.counters).toMatchObject({ busy: 1, depth: 3 });
    await started.promise;
    for (let tick = 0; tick < 20; tick++) await Promise.resolve(); // let b start if it wrongly could
    expect(entered).toEqual(['a']);
    release.resolve();
    expect(await Promise.all(results)).toEqual([1, 1, 1].map((attempts) => ({ deadLettered: false, attempts })));
    await m.settled();
    expect(entered).toEqual(['a', 'b', 'c']);
    expect(m.calls).toEqual(['load c1', 'handle a', 'handle b', 'handle c']);
    expect(m.actor.state).toEqual({ events: ['a', 'b', 'c'] });
    expect(m.actor.queue).toBeNull();
    expect(m.actor.busy).toBe(false);
    expect(m.counters).toEqual({ busy: 0, depth: 0, processed: 3, failures: 0, deadLetters: 0, restarts: 0, waiting: 0, unavailableFailures: 0 });
  });

  test('a failing handler discards the state, reloads it and retries the same event after backoff', async () => {
    const m = setup({ failTimes: { b: 2 } });
    await m.send('a');
    expect(await m.send('b')).toEqual({ deadLettered: false, attempts: 3 });
    expect(m.calls).toEqual(['load c1', 'handle a', 'handle b', 'load c1', 'handle b', 'load c1', 'handle b']);
    expect(m.sleeps).toEqual([10, 20]);
    expect(m.actor.state).toEqual({ events: ['a', 'b'] });
    expect(m.counters).toMatchObject({ processed: 2, failures: 2, restarts: 2, deadLetters: 0 });
  });

  test('after maxAttempts failures the event is dead-lettered once and the next event proceeds', async () => {
    const m = setup({ failTimes: { bad: 99 } });
    const bad = m.send('bad');
    const next = m.send('next');
    const result = await bad;
    expect(result).toMatchObject({ deadLettered: true, attempts: 3 });
    expect(result.deadLettered && (result.error as Error).message).toBe('failed bad');
    expect(m.deadLetters).toEqual([['c1', 'bad', 'failed bad', 3]]);
    expect(m.sleeps).toEqual([10, 20]); // no pause after the last failure
    expect(await next).toEqual({ deadLettered: false, attempts: 1 });
    expect(m.calls.slice(-2)).toEqual(['load c1', 'handle next']); // state reloaded, not the dirty copy
    expect(m.counters).toMatchObject({ processed: 1, failures: 3, deadLetters: 1, restarts: 3 });
  });

  test('a failing load counts as a failure of the event being delivered', async () => {
    const m = setup({ failLoads: 2 });
    expect(await m.send('a')).toEqual({ deadLettered: false, attempts: 3 });
    expect(m.calls).toEqual(['load c1', 'load c1', 'load c1', 'handle a']);
    expect(m.counters).toMatchObject({ processed: 1, failures: 2, restarts: 2 });
  });

  test('an ask reads the state after everything queued before it; a throwing read fails only the ask', async () => {
    const m = setup();
    m.send('a');
    const seen = m.ask((state) => state.events.join(','));
    const broken = m.ask(() => {
      throw new Error('bad read');
    });
    m.send('b');
    expect(await seen).toBe('a');
    await expect(broken).rejects.toThrow('bad read');
    await m.settled();
    expect(m.calls).toEqual(['load c1', 'handle a', 'handle b']);
    expect(m.counters).toMatchObject({ processed: 2, failures: 0 });
  });

  test('an ask whose load keeps failing is rejected without a dead letter', async () => {
    const m = setup({ failLoads: 99 });
    await expect(m.ask((state) => state)).rejects.toThrow('store down');
    await m.settled();
    expect(m.deadLetters).toEqual([]);
    expect(m.counters).toMatchObject({ failures: 3, deadLetters: 0, depth: 0, busy: 0 });
  });

  test('a throwing dead-letter hook or sleep is reported and never stalls the mailbox', async () => {
    const sleep = async () => {
      throw new Error('no timers');
    };
    const m = setup({ failTimes: { bad: 99 }, sleep });
    m.behaviour.onDeadLetter = async () => {
      throw new Error('hook down');
    };
    expect(await m.send('bad')).toMatchObject({ deadLettered: true, attempts: 3 });
    expect(await m.send('ok')).toEqual({ deadLettered: false, attempts: 1 });
    expect(m.reported.map((error) => (error as Error).message)).toEqual(['no timers', 'no timers', 'hook down']);
  });
});

describe('mailbox: the infrastructure is unavailable', () => {
  test('a told event waits out any number of outage failures and is never dead-lettered', async () => {
    const m = setup({ outageTimes: { a: 7 } });
    m.tell('a');
    await m.settled();
    expect(m.actor.state).toEqual({ events: ['a'] });
    expect(m.deadLetters).toEqual([]);
    // Its own backoff (1000 + n), not the event-failure backoff, and attempts were not counted against it.
    expect(m.sleeps).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    expect(m.counters).toMatchObject({ processed: 1, failures: 7, unavailableFailures: 7, deadLetters: 0, waiting: 0 });
  });

  test("outage failures do not count toward the event's own failures", async () => {
    const m = setup({ outageTimes: { a: 4 }, failTimes: { a: 2 } });
    m.tell('a');
    await m.settled();
    expect(m.deadLetters).toEqual([]);
    expect(m.stored.events).toEqual(['a']);
  });

  test('a caller that waits is answered "unavailable" after maxAttempts, without a dead letter', async () => {
    const m = setup({ outageTimes: { a: 99 } });
    expect(await m.send('a')).toMatchObject({ deadLettered: false, unavailable: true, attempts: 3 });
    expect(m.deadLetters).toEqual([]);
    expect(await m.send('b')).toEqual({ deadLettered: false, attempts: 1 });
  });

  test('counts the actor as waiting while it sleeps between outage retries', async () => {
    const asleep = Promise.withResolvers<void>();
    const wake = Promise.withResolvers<void>();
    const m = setup({ outageTimes: { a: 1 }, sleep: () => (asleep.resolve(), wake.promise) });
    m.tell('a');
    await asleep.promise;
    expect(m.counters.waiting).toBe(1);
    wake.resolve();
    await m.settled();
    expect(m.counters.waiting).toBe(0);
  });

  test('once the registry closes, a waiting event is given up (it stays durable for the next start), not dead-lettered', async () => {
    const m = setup({ outageTimes: { a: 99 } });
    m.close();
    m.tell('a');
    await m.settled();
    expect(m.deadLetters).toEqual([]);
    expect(m.stored.events).toEqual([]);
    expect(m.counters).toMatchObject({ unavailableFailures: 1, deadLetters: 0, busy: 0, depth: 0 });
  });
});
