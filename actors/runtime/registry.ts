/** @module actors/runtime/registry — finds or starts the actor for a key; passivation, LRU cap, drain, metrics */
import { exponentialBackoff } from './backoff';
import { Actor, UNLOADED, hasState, post } from './mailbox';
import type { ActorBehaviour, CallResult, Envelope, MailboxCounters, MailboxHost, SendResult } from './mailbox';

export interface RegistryOptions {
  /** Idle time after which an actor is passivated (default 600_000 = 10 min; the server reads ACTOR_IDLE_MS). */
  idleMs?: number;
  /** Most actors kept in memory (default 10_000); least recently used idle ones go first, never a busy one. */
  maxLive?: number;
  /** Failures of one event before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Delay before retry number `attempt` (default exponential with jitter, 100 ms doubling, capped at 5 s). */
  backoffMs?: (attempt: number) => number;
  /**
   * True for a failure of the infrastructure rather than of the event (the database is unreachable): such a
   * failure never counts toward dead-lettering; a told event waits it out. Default: nothing is transient.
   */
  isTransient?: (error: unknown) => boolean;
  /** Delay before retry number `attempt` while the infrastructure is unavailable (default 100 ms doubling, capped at 2 s). */
  transientBackoffMs?: (attempt: number) => number;
  /** Injectable clock (default Date.now). */
  now?: () => number;
  /** Injectable for tests so no test really sleeps (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Sweep timer period; 0 disables it (tests call sweep()). Default min(idleMs, 60 s) / 2. */
  sweepEveryMs?: number;
  /**
   * True for a failure that means this process may no longer run the actor (its shard's lease moved to another
   * process, server/cluster): the event is neither retried nor dead-lettered, its caller is answered `unavailable`,
   * and the state is dropped. Default: never.
   */
  isFenced?: (error: unknown) => boolean;
  /** Receives errors from hooks (onDeadLetter, onPassivate) and sleep; default console.error. */
  onError?: (error: unknown, key: unknown) => void;
}

export interface RegistryStats {
  live: number;
  busy: number;
  mailboxDepth: number;
  processed: number;
  failures: number;
  deadLetters: number;
  restarts: number;
  passivated: number;
  /** Actors waiting for the infrastructure to come back before retrying their current event. */
  waiting: number;
  /** Failed attempts blamed on the infrastructure since start (never dead-lettered). */
  unavailableFailures: number;
}

export interface Registry<K, S, E, R = never> {
  /**
   * Enqueues and waits for the handler's answer (gen_server's call): resolves `{ deadLettered: false, attempts,
   * reply? }` once handled, with the reply of the attempt that succeeded; `{ deadLettered: true, error }` or
   * `{ unavailable: true, error }` without a reply otherwise (as `send`). Rejects (RegistryClosedError) only if closed.
   */
  call(key: K, event: E): Promise<CallResult<R>>;
  /** Enqueues; resolves when the event was handled or dead-lettered (any reply is dropped); rejects only if the registry is closed. */
  send(key: K, event: E): Promise<SendResult>;
  /** Enqueues without waiting; failures still go through retry/dead-letter. Throws RegistryClosedError once closed. */
  tell(key: K, event: E): void;
  /** Reads the actor's state after everything queued before it; `fn` must not mutate the state. */
  ask<R>(key: K, fn: (state: S) => R): Promise<Awaited<R>>;
  /**
   * Runs `work` in the key's turn: after every event queued before it, while later ones wait; the actor's state is
   * then dropped and reloaded from the store by the next event. Resolves with what `work` returned, rejects with its
   * error (never retried) or RegistryClosedError.
   */
  exclusive<T>(key: K, work: () => Promise<T>): Promise<T>;
  /** Passivates actors idle for at least idleMs now; returns how many. */
  sweep(): number;
  /** Stops accepting, finishes every queued event, stops the sweep timer, then passivates every actor. */
  drain(): Promise<void>;
  stats(): RegistryStats;
  has(key: K): boolean;
  /** True while the key's actor has an event running or queued. */
  busy(key: K): boolean;
  /** Keys whose actor has an event running or queued. */
  busyKeys(): K[];
  /** Passivates the idle actors whose key matches (their shard moved away); returns how many. Busy ones finish first. */
  evict(match: (key: K) => boolean): number;
  /** Resolves once no actor whose key matches has an event running or queued (a shard drained before its hand-over). */
  whenIdle(match: (key: K) => boolean): Promise<void>;
}

export class RegistryClosedError extends Error {
  readonly code = 'REGISTRY_CLOSED' as const;
  constructor() {
    super('The actor registry is draining or closed and accepts no more events');
    this.name = 'RegistryClosedError';
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function defaultOnError(error: unknown, key: unknown): void {
  console.error(`actor ${String(key)}: unexpected error`, error);
}

/** The answer to a `send`: a call's result without its reply. */
function withoutReply<R>(result: CallResult<R>): SendResult {
  if (result.deadLettered || result.unavailable) return result;
  return { deadLettered: false, attempts: result.attempts };
}

/**
 * A registry of actors running `behaviour`, keyed by K, with state S, events E and call replies R. Actors start on
 * demand (load), run one envelope at a time, retry failures, dead-letter, passivate when idle, and drain on close.
 */
export function createRegistry<K, S, E, R = never>(behaviour: ActorBehaviour<K, S, E, R>, options: RegistryOptions = {}): Registry<K, S, E, R> {
  const idleMs = options.idleMs ?? 600_000;
  const maxLive = options.maxLive ?? 10_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? defaultOnError;
  const sweepEveryMs = options.sweepEveryMs ?? Math.max(1, Math.min(idleMs, 60_000) / 2);

  // Map insertion order is the LRU order: touching an actor re-inserts it at the end.
  const actors = new Map<K, Actor<K, S, E>>();
  const counters: MailboxCounters = { busy: 0, depth: 0, processed: 0, failures: 0, deadLetters: 0, restarts: 0, waiting: 0, unavailableFailures: 0 };
  let passivated = 0;
  let closed = false;
  let drained: Promise<void> | undefined;
  let whenIdle: PromiseWithResolvers<void> | undefined;

  const host: MailboxHost<K, S, E> = {
    behaviour,
    maxAttempts: options.maxAttempts ?? 5,
    backoffMs: options.backoffMs ?? exponentialBackoff(),
    isTransient: options.isTransient ?? (() => false),
    isFenced: options.isFenced ?? (() => false),
    transientBackoffMs: options.transientBackoffMs ?? exponentialBackoff({ capMs: 2_000 }),
    isClosed: () => closed,
    sleep: options.sleep ?? defaultSleep,
    counters,
    report,
    settled,
  };

  const timer = sweepEveryMs > 0 ? setInterval(sweep, sweepEveryMs) : undefined;
  timer?.unref();

  function report(error: unknown, key: unknown): void {
    try {
      onError(error, key);
    } catch {
      // The error reporter itself failed; nothing sensible is left to tell.
    }
  }

  /** Callers of whenIdle(match) still waiting. */
  let idleWaiters: { match: (key: K) => boolean; resolve: () => void }[] = [];

  function settled(actor: Actor<K, S, E>): void {
    actor.lastUsedAt = now();
    if (actors.size > maxLive) evictLeastRecent();
    if (counters.busy === 0) whenIdle?.resolve();
    if (idleWaiters.length) idleWaiters = idleWaiters.filter((waiter) => !(waiter.match(actor.key) && resolveIfIdle(waiter)));
  }

  function resolveIfIdle(waiter: { match: (key: K) => boolean; resolve: () => void }): boolean {
    for (const other of actors.values()) if (!isIdle(other) && waiter.match(other.key)) return false;
    waiter.resolve();
    return true;
  }

  function touch(key: K): Actor<K, S, E> {
    const at = now();
    let actor = actors.get(key);
    if (actor) actors.delete(key);
    else actor = new Actor<K, S, E>(key, UNLOADED, at);
    actor.lastUsedAt = at;
    actors.set(key, actor);
    return actor;
  }

  function enqueue(key: K, envelope: Envelope<S, E>): void {
    if (closed) throw new RegistryClosedError();
    post(touch(key), envelope, host);
    if (actors.size > maxLive) evictLeastRecent();
  }

  function isIdle(actor: Actor<K, S, E>): boolean {
    return !actor.busy && actor.queue === null;
  }

  function passivate(actor: Actor<K, S, E>): void {
    actors.delete(actor.key);
    passivated++;
    if (!behaviour.onPassivate || !hasState(actor)) return;
    try {
      behaviour.onPassivate(actor.key, actor.state);
    } catch (error) {
      report(error, actor.key);
    }
  }

  function evictLeastRecent(): void {
    for (const actor of actors.values()) {
      if (actors.size <= maxLive) return;
      if (isIdle(actor)) passivate(actor);
    }
  }

  function sweep(): number {
    const cutoff = now() - idleMs;
    let count = 0;
    for (const actor of actors.values()) {
      if (isIdle(actor) && actor.lastUsedAt <= cutoff) {
        passivate(actor);
        count++;
      }
    }
    return count;
  }

  function call(key: K, event: E): Promise<CallResult<R>> {
    const { promise, resolve, reject } = Promise.withResolvers<CallResult<R>>();
    try {
      // The mailbox hands back what this registry's behaviour returned: a reply of type R.
      enqueue(key, { kind: 'event', event, settle: resolve as (result: CallResult<unknown>) => void });
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  function send(key: K, event: E): Promise<SendResult> {
    const { promise, resolve, reject } = Promise.withResolvers<SendResult>();
    try {
      enqueue(key, { kind: 'event', event, settle: (result) => resolve(withoutReply(result)) });
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  function tell(key: K, event: E): void {
    enqueue(key, { kind: 'event', event, settle: undefined });
  }

  function ask<R>(key: K, fn: (state: S) => R): Promise<Awaited<R>> {
    const { promise, resolve, reject } = Promise.withResolvers<Awaited<R>>();
    try {
      enqueue(key, { kind: 'ask', read: fn, resolve: resolve as (value: unknown) => void, reject });
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  function exclusive<T>(key: K, work: () => Promise<T>): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    try {
      enqueue(key, { kind: 'exclusive', run: work, resolve: resolve as (value: unknown) => void, reject });
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  async function finish(): Promise<void> {
    closed = true;
    clearInterval(timer);
    if (counters.busy > 0) {
      whenIdle = Promise.withResolvers<void>();
      await whenIdle.promise;
    }
    for (const actor of actors.values()) passivate(actor);
  }

  function drain(): Promise<void> {
    drained ??= finish();
    return drained;
  }

  function stats(): RegistryStats {
    return {
      live: actors.size,
      busy: counters.busy,
      mailboxDepth: counters.depth,
      processed: counters.processed,
      failures: counters.failures,
      deadLetters: counters.deadLetters,
      restarts: counters.restarts,
      passivated,
      waiting: counters.waiting,
      unavailableFailures: counters.unavailableFailures,
    };
  }

  function has(key: K): boolean {
    return actors.has(key);
  }

  function busy(key: K): boolean {
    const actor = actors.get(key);
    return actor !== undefined && !isIdle(actor);
  }

  function busyKeys(): K[] {
    const keys: K[] = [];
    for (const actor of actors.values()) if (!isIdle(actor)) keys.push(actor.key);
    return keys;
  }

  function evict(match: (key: K) => boolean): number {
    let count = 0;
    for (const actor of [...actors.values()]) {
      if (isIdle(actor) && match(actor.key)) {
        passivate(actor);
        count++;
      }
    }
    return count;
  }

  function whenIdleMatching(match: (key: K) => boolean): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const waiter = { match, resolve };
    if (!resolveIfIdle(waiter)) idleWaiters.push(waiter);
    return promise;
  }

  return { call, send, tell, ask, exclusive, sweep, drain, stats, has, busy, busyKeys, evict, whenIdle: whenIdleMatching };
}
