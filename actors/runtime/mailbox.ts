/** @module actors/runtime/mailbox — one actor's queue: runs one async handler at a time, retries, dead-letters */

/**
 * What `handle` returns: the next state and, optionally, the answer for a `call` (gen_server's
 * `{reply, R, State}`; without `reply` it is `{noreply, State}`). A `send` or `tell` ignores the reply.
 */
export interface Handled<S, R = never> {
  state: S;
  reply?: R;
}

/** What an actor does; implemented by the domain (e.g. the conversation actor shell). `R` is what `call` answers. */
export interface ActorBehaviour<K, S, E, R = never> {
  /** Loads the actor's state from the store (called on start and after a failure). */
  load(key: K): Promise<S>;
  /**
   * Handles one event; returns the next state and any reply. Throwing = failure (state discarded, reload, retry):
   * only the reply of the attempt that succeeded reaches the caller.
   */
  handle(key: K, state: S, event: E): Promise<Handled<S, R>>;
  /** Called once when an event failed `maxAttempts` times; the mailbox then moves on to the next event. */
  onDeadLetter?(key: K, event: E, error: unknown, attempts: number): Promise<void>;
  /** Called after an actor is passivated (idle, LRU or shutdown), only if its state was loaded. */
  onPassivate?(key: K, state: S): void;
}

/**
 * How a `send` ended: handled (after `attempts` tries), dead-lettered with the last error, or given up on
 * because the infrastructure stayed unavailable (`unavailable`: the event was not handled and not
 * dead-lettered; the caller may try again).
 */
export type SendResult =
  | { deadLettered: false; attempts: number; unavailable?: false }
  | { deadLettered: false; attempts: number; unavailable: true; error: unknown }
  | { deadLettered: true; attempts: number; error: unknown; unavailable?: false };

/**
 * How a `call` ended: as a `send`, plus the handler's `reply` when the event was handled (absent if the handler
 * gave none). A dead-lettered or unavailable call has no reply: the event's handling did not succeed.
 */
export type CallResult<R> =
  | { deadLettered: false; attempts: number; unavailable?: false; reply?: R }
  | { deadLettered: false; attempts: number; unavailable: true; error: unknown }
  | { deadLettered: true; attempts: number; error: unknown; unavailable?: false };

export interface EventEnvelope<E> {
  kind: 'event';
  event: E;
  /** Absent for `tell`: nobody waits. The reply is typed by the registry, which made the envelope. */
  settle: ((result: CallResult<unknown>) => void) | undefined;
}

export interface AskEnvelope<S> {
  kind: 'ask';
  read: (state: S) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Work that must not interleave with the actor's events (an erasure): it runs once, between two events, without the
 * state; afterwards the state is dropped, so the next event starts from what the store then holds.
 */
export interface ExclusiveEnvelope {
  kind: 'exclusive';
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export type Envelope<S, E> = EventEnvelope<E> | AskEnvelope<S> | ExclusiveEnvelope;

/** State not loaded yet (fresh actor) or discarded after a failure (reload counts as a restart). */
export const UNLOADED = Symbol('actor.unloaded');
export const CRASHED = Symbol('actor.crashed');
type NoState = typeof UNLOADED | typeof CRASHED;

/**
 * One actor. Deliberately tiny — 100,000 idle ones must fit in a few hundred MB at most: no
 * timers, no closures, and the queue array exists only while something is queued.
 */
export class Actor<K, S, E> {
  queue: Envelope<S, E>[] | null = null;
  busy = false;
  constructor(
    readonly key: K,
    public state: S | NoState,
    public lastUsedAt: number,
  ) {}
}

export function hasState<K, S, E>(actor: Actor<K, S, E>): actor is Actor<K, S, E> & { state: S } {
  return actor.state !== UNLOADED && actor.state !== CRASHED;
}

/** Counters the mailbox keeps up to date; the registry reads them for `stats()`. */
export interface MailboxCounters {
  busy: number;
  depth: number;
  processed: number;
  failures: number;
  deadLetters: number;
  restarts: number;
  /** Actors whose current event is waiting for the infrastructure to come back. */
  waiting: number;
  /** Attempts that failed for the infrastructure (not counted toward dead-lettering). */
  unavailableFailures: number;
}

/** Shared by every actor of a registry, so an actor needs no per-actor callbacks. */
export interface MailboxHost<K, S, E> {
  readonly behaviour: ActorBehaviour<K, S, E, unknown>;
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  /** True for a failure of the infrastructure (database down), not of the event: such failures never dead-letter. */
  readonly isTransient: (error: unknown) => boolean;
  /** True for a failure meaning the actor may no longer run here (its shard moved): given up at once, never dead-lettered. */
  readonly isFenced: (error: unknown) => boolean;
  /** Delay before retry number `attempt` while the infrastructure is unavailable. */
  readonly transientBackoffMs: (attempt: number) => number;
  /** True once the registry is draining: an event waiting for the infrastructure is given up (it stays durable). */
  isClosed(): boolean;
  readonly sleep: (ms: number) => Promise<void>;
  readonly counters: MailboxCounters;
  /** Errors nobody else can receive (a throwing hook or sleep); must not throw. */
  report(error: unknown, key: K): void;
  /** The actor's queue just emptied and it is idle again. */
  settled(actor: Actor<K, S, E>): void;
}

/** Queues an envelope and starts the actor's loop if it is not already running. */
export function post<K, S, E>(actor: Actor<K, S, E>, envelope: Envelope<S, E>, host: MailboxHost<K, S, E>): void {
  const queue = (actor.queue ??= []);
  queue.push(envelope);
  host.counters.depth++;
  if (actor.busy) return;
  actor.busy = true;
  host.counters.busy++;
  void runMailbox(actor, queue, host);
}

async function runMailbox<K, S, E>(actor: Actor<K, S, E>, queue: Envelope<S, E>[], host: MailboxHost<K, S, E>): Promise<void> {
  // Error rule: a failure (load or handle throwing) discards the in-memory state; the SAME
  // envelope is retried after backoff against state reloaded from the store; after
  // maxAttempts failures of the event it is dead-lettered and the loop moves on, while an
  // unavailable infrastructure is waited out (see deliver). deliver() never throws,
  // so this loop cannot die with envelopes left behind. The envelope stays at queue[0] while
  // it runs (the mailbox depth includes it) and its sender is answered only after the
  // bookkeeping, so whoever awaits the last send finds the actor idle.
  while (queue.length > 0) {
    const envelope = queue[0]!;
    const outcome = await deliver(actor, envelope, host);
    queue.shift();
    host.counters.depth--;
    if (queue.length === 0) goIdle(actor, host);
    complete(envelope, outcome);
  }
}

function goIdle<K, S, E>(actor: Actor<K, S, E>, host: MailboxHost<K, S, E>): void {
  actor.queue = null;
  actor.busy = false;
  host.counters.busy--;
  host.settled(actor);
}

/** `value`: what an ask read, or the handler's reply to an event. */
type Outcome = { ok: true; value: unknown; attempts: number } | { ok: false; error: unknown; attempts: number; unavailable?: boolean };

function complete<S, E>(envelope: Envelope<S, E>, outcome: Outcome): void {
  const { attempts } = outcome;
  if (envelope.kind === 'ask' || envelope.kind === 'exclusive') {
    if (outcome.ok) envelope.resolve(outcome.value);
    else envelope.reject(outcome.error);
  } else if (outcome.ok) envelope.settle?.(outcome.value === undefined ? { deadLettered: false, attempts } : { deadLettered: false, attempts, reply: outcome.value });
  else if (outcome.unavailable) envelope.settle?.({ deadLettered: false, unavailable: true, attempts, error: outcome.error });
  else envelope.settle?.({ deadLettered: true, attempts, error: outcome.error });
}

/**
 * Runs one envelope until it succeeds, is dead-lettered or is given up. Failures of the event count toward
 * `maxAttempts`; failures of the infrastructure (`isTransient`) do not: a `tell` (nobody waits, the event is
 * durable or an outcome that must be recorded) waits for as long as the outage lasts, while a `send`/`ask`
 * (a caller waits) is answered "unavailable" after `maxAttempts` tries. Neither is ever dead-lettered for it.
 */
async function deliver<K, S, E>(actor: Actor<K, S, E>, envelope: Envelope<S, E>, host: MailboxHost<K, S, E>): Promise<Outcome> {
  if (envelope.kind === 'exclusive') return exclusively(actor, envelope);
  let failures = 0;
  let outages = 0;
  for (let attempts = 1; ; attempts++) {
    let delay: number;
    try {
      const state = await ensureLoaded(actor, host);
      if (envelope.kind === 'ask') return read(envelope, state, attempts);
      const handled = await host.behaviour.handle(actor.key, state, envelope.event);
      actor.state = handled.state;
      host.counters.processed++;
      return { ok: true, value: handled.reply, attempts };
    } catch (error) {
      actor.state = CRASHED;
      host.counters.failures++;
      if (host.isFenced(error)) {
        actor.state = UNLOADED;
        return { ok: false, error, attempts, unavailable: true };
      }
      if (host.isTransient(error)) {
        host.counters.unavailableFailures++;
        const callerWaits = envelope.kind === 'ask' || envelope.settle !== undefined;
        if (host.isClosed() || (callerWaits && attempts >= host.maxAttempts)) return { ok: false, error, attempts, unavailable: true };
        delay = host.transientBackoffMs(++outages);
      } else {
        if (++failures >= host.maxAttempts) return giveUp(actor, envelope, error, attempts, host);
        delay = host.backoffMs(failures);
      }
    }
    await pause(actor, delay, outages > 0, host);
  }
}

async function ensureLoaded<K, S, E>(actor: Actor<K, S, E>, host: MailboxHost<K, S, E>): Promise<S> {
  if (hasState(actor)) return actor.state;
  if (actor.state === CRASHED) host.counters.restarts++;
  const state = await host.behaviour.load(actor.key);
  actor.state = state;
  return state;
}

/**
 * Runs exclusive work once (never retried: its caller decides) and drops the state whatever happened, so the next
 * event reloads what the work left in the store.
 */
async function exclusively<K, S, E>(actor: Actor<K, S, E>, envelope: ExclusiveEnvelope): Promise<Outcome> {
  try {
    return { ok: true, value: await envelope.run(), attempts: 1 };
  } catch (error) {
    return { ok: false, error, attempts: 1 };
  } finally {
    actor.state = UNLOADED;
  }
}

/** A read never fails the actor: its error goes to the asker only. */
function read<S>(envelope: AskEnvelope<S>, state: S, attempts: number): Outcome {
  try {
    return { ok: true, value: envelope.read(state), attempts };
  } catch (error) {
    return { ok: false, error, attempts };
  }
}

async function giveUp<K, S, E>(actor: Actor<K, S, E>, envelope: Envelope<S, E>, error: unknown, attempts: number, host: MailboxHost<K, S, E>): Promise<Outcome> {
  if (envelope.kind === 'event') {
    host.counters.deadLetters++;
    try {
      await host.behaviour.onDeadLetter?.(actor.key, envelope.event, error, attempts);
    } catch (hookError) {
      host.report(hookError, actor.key);
    }
  }
  return { ok: false, error, attempts };
}

async function pause<K, S, E>(actor: Actor<K, S, E>, delay: number, waiting: boolean, host: MailboxHost<K, S, E>) {
  if (waiting) host.counters.waiting++;
  try {
    await host.sleep(delay);
  } catch (error) {
    host.report(error, actor.key);
  } finally {
    if (waiting) host.counters.waiting--;
  }
}
