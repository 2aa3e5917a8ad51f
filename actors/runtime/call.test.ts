/** @module actors/runtime/call.test — registry.call: the handler's return value is the caller's reply (gen_server's call) */
import { afterEach, describe, expect, test } from 'bun:test';
import { createRegistry } from './registry';
import type { Registry, RegistryOptions } from './registry';
import type { ActorBehaviour } from './mailbox';

type State = { seen: string[] };

const open: Registry<unknown, unknown, unknown, unknown>[] = [];
const unexpected: unknown[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((registry) => registry.drain()));
  expect(unexpected.splice(0)).toEqual([]);
});

/**
 * A store of states and a behaviour that replies `"<event> #<count>"`. An event named `fail…` always fails;
 * `flaky` fails `flaky` times first; `down` fails for the infrastructure (transient) every time.
 */
function setup(options: RegistryOptions & { flaky?: number } = {}) {
  const store = new Map<string, State>();
  const loads: string[] = [];
  const deadLetters: string[] = [];
  let flaky = options.flaky ?? 0;
  const behaviour: ActorBehaviour<string, State, string, string> = {
    async load(key) {
      loads.push(key);
      return store.get(key) ?? { seen: [] };
    },
    async handle(key, state, event) {
      if (event.startsWith('fail')) throw new Error(`cannot ${event}`);
      if (event === 'down') throw Object.assign(new Error('database down'), { transient: true });
      if (event === 'flaky' && flaky-- > 0) throw new Error('flaky');
      const next = { seen: [...state.seen, event] };
      store.set(key, next);
      return { state: next, reply: `${event} #${next.seen.length}` };
    },
    async onDeadLetter(_key, event) {
      deadLetters.push(event);
    },
  };
  const registry = createRegistry(behaviour, {
    sweepEveryMs: 0,
    maxAttempts: 3,
    sleep: async () => {},
    isTransient: (error) => (error as { transient?: boolean }).transient === true,
    onError: (error) => void unexpected.push(error),
    ...options,
  });
  open.push(registry as Registry<unknown, unknown, unknown, unknown>);
  return { registry, store, loads, deadLetters };
}

describe('registry: call', () => {
  test("resolves with the handler's reply, in mailbox order with sends and tells, which get no reply", async () => {
    const { registry } = setup();
    registry.tell('k1', 'a');
    const sent = registry.send('k1', 'b');
    const called = registry.call('k1', 'c');
    expect(await sent).toStrictEqual({ deadLettered: false, attempts: 1 });
    expect(await called).toStrictEqual({ deadLettered: false, attempts: 1, reply: 'c #3' });
  });

  test('a handler that returns no reply resolves the call without one', async () => {
    const silent = createRegistry<string, State, string, string>({ load: async () => ({ seen: [] }), handle: async (_key, state) => ({ state }) }, { sweepEveryMs: 0 });
    open.push(silent as Registry<unknown, unknown, unknown, unknown>);
    expect(await silent.call('k1', 'x')).toStrictEqual({ deadLettered: false, attempts: 1 });
  });

  test('after failed attempts the reply is that of the attempt that succeeded, against reloaded state', async () => {
    const { registry, loads, store } = setup({ flaky: 2 });
    store.set('k1', { seen: ['before'] });
    expect(await registry.call('k1', 'flaky')).toStrictEqual({ deadLettered: false, attempts: 3, reply: 'flaky #2' });
    expect(loads).toEqual(['k1', 'k1', 'k1']);
    expect(registry.stats()).toMatchObject({ processed: 1, failures: 2, restarts: 2, deadLetters: 0 });
  });

  test('a dead-lettered call resolves with deadLettered and the error, and no reply; the next call is answered', async () => {
    const { registry, deadLetters } = setup();
    const failed = registry.call('k1', 'fail-me');
    const next = registry.call('k1', 'fine');
    const result = await failed;
    expect(result).toMatchObject({ deadLettered: true, attempts: 3 });
    expect('reply' in result).toBe(false);
    expect(result.deadLettered && (result.error as Error).message).toBe('cannot fail-me');
    expect(deadLetters).toEqual(['fail-me']);
    expect(await next).toStrictEqual({ deadLettered: false, attempts: 1, reply: 'fine #1' });
  });

  test('a call the infrastructure cannot serve resolves unavailable, with no reply and no dead letter', async () => {
    const { registry, deadLetters } = setup();
    const result = await registry.call('k1', 'down');
    expect(result).toMatchObject({ deadLettered: false, unavailable: true, attempts: 3 });
    expect('reply' in result).toBe(false);
    expect(deadLetters).toEqual([]);
  });

  test('a call on a closed registry rejects with REGISTRY_CLOSED', async () => {
    const { registry } = setup();
    await registry.drain();
    await expect(registry.call('k1', 'late')).rejects.toMatchObject({ code: 'REGISTRY_CLOSED' });
  });
});
