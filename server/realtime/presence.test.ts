/** @module server/realtime/presence.test — typing that ends without a socket message is told to the listeners. */
import { describe, expect, test } from 'bun:test';
import { createPresence, REFRESH_MS, STALE_MS, TYPING_MS } from './presence';

function scene() {
  let clock = 1_000;
  const timers: (() => void)[] = [];
  const presence = createPresence({ now: () => clock, later: (fn) => void timers.push(fn) });
  const told: number[] = [];
  presence.onChange((id) => told.push(id));
  presence.view('s1', 7, { id: 1, name: 'Ana' });
  presence.view('s2', 7, { id: 1, name: 'Ana' });
  return { presence, told, timers, advance: (ms: number) => void (clock += ms) };
}

describe('presence', () => {
  test('sending ends her typing in every tab at once, and says so once', () => {
    const { presence, told } = scene();
    expect(presence.typing('s1', 7)).toBe(true);
    expect(presence.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: true }]);
    presence.sent(1, 7);
    expect(presence.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    expect(told).toEqual([7]);
    presence.sent(1, 7);
    presence.sent(2, 7);
    expect(told).toEqual([7]);
  });

  test('typing that runs out is told when the last signal ends, not before', () => {
    const { presence, told, timers, advance } = scene();
    presence.typing('s1', 7);
    advance(3_000);
    presence.typing('s1', 7);
    advance(TYPING_MS - 3_000);
    timers[0]!();
    expect(told).toEqual([]);
    expect(presence.people(7)[0]?.typing).toBe(true);
    advance(3_000);
    timers[1]!();
    expect(told).toEqual([7]);
    expect(presence.people(7)[0]?.typing).toBe(false);
  });

  test('a tab that sent and then timed out is not told twice', () => {
    const { presence, told, timers } = scene();
    presence.typing('s2', 7);
    presence.sent(1, 7);
    timers[0]!();
    expect(told).toEqual([7]);
  });
});

/** Two processes' presences joined by a fake relay that delivers at once, in order, to the other one only. */
function twoProcesses() {
  let clock = 1_000;
  const timers: { fn: () => void; at: number }[] = [];
  const ticks: (() => void)[] = [];
  const hear = new Map<string, (payload: unknown, origin: string) => void>();
  const relayed: { from: string; payload: unknown }[] = [];
  const relayOf = (node: string, other: string) => ({
    relay: (topic: string, payload: unknown) => {
      relayed.push({ from: node, payload: structuredClone(payload) });
      hear.get(`${other}:${topic}`)?.(structuredClone(payload), node);
    },
    onRelay: (topic: string, listener: (payload: unknown, origin: string) => void) => void hear.set(`${node}:${topic}`, listener),
  });
  const options = {
    now: () => clock,
    later: (fn: () => void, ms: number) => void timers.push({ fn, at: clock + ms }),
    every: (fn: () => void) => (ticks.push(fn), () => ticks.splice(ticks.indexOf(fn), 1)),
  };
  const a = createPresence({ ...options, relay: relayOf('A', 'B') });
  const b = createPresence({ ...options, relay: relayOf('B', 'A') });
  const told = { A: [] as number[], B: [] as number[] };
  a.onChange((id) => told.A.push(id));
  b.onChange((id) => told.B.push(id));
  /** Moves the clock and runs the timers that are due. */
  const advance = (ms: number) => {
    clock += ms;
    for (const timer of timers.splice(0).filter((t) => (t.at <= clock ? (t.fn(), false) : true))) timers.push(timer);
  };
  const hearOn = (node: string, payload: unknown, origin: string) => hear.get(`${node}:presence`)?.(payload, origin);
  return { a, b, told, relayed, ticks, advance, hearOn };
}

describe('presence across processes', () => {
  test('a viewer and a typist on one process are seen on the other, and her leaving is too', () => {
    const { a, b, told } = twoProcesses();
    a.view('s1', 7, { id: 1, name: 'Ana' });
    b.view('s2', 7, { id: 2, name: 'Luis' });
    expect(b.people(7)).toEqual([
      { userId: 2, name: 'Luis', typing: false },
      { userId: 1, name: 'Ana', typing: false },
    ]);
    expect(a.typing('s1', 7)).toBe(true);
    expect(b.people(7)[1]).toEqual({ userId: 1, name: 'Ana', typing: true });
    expect(told.B.filter((id) => id === 7).length).toBeGreaterThan(0);
    a.leave('s1', 7);
    expect(b.people(7)).toEqual([{ userId: 2, name: 'Luis', typing: false }]);
    expect(a.people(7)).toEqual([{ userId: 2, name: 'Luis', typing: false }]);
  });

  test('her typing runs out on the other process too, and her message sent through the other ends it everywhere', () => {
    const { a, b, told, advance } = twoProcesses();
    a.view('s1', 7, { id: 1, name: 'Ana' });
    a.typing('s1', 7);
    told.B.length = 0;
    advance(TYPING_MS);
    expect(b.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    expect(told.B).toEqual([7]);
    a.typing('s1', 7);
    told.A.length = 0;
    // Her reply reached process B (another tab, or the load balancer's choice).
    b.sent(1, 7);
    expect(a.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    expect(b.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    expect(told.A).toEqual([7]);
  });

  test('a process that stopped relaying is forgotten after STALE_MS; one that keeps relaying is not', () => {
    const { a, b, told, ticks, advance } = twoProcesses();
    a.view('s1', 7, { id: 1, name: 'Ana' });
    b.view('s2', 8, { id: 2, name: 'Luis' });
    const [tickA, tickB] = ticks;
    told.A.length = 0;
    told.B.length = 0;
    for (let round = 0; round < 4; round++) (advance(REFRESH_MS), tickA!(), tickB!());
    // Refreshes that change nothing on screen are not news.
    expect(told).toEqual({ A: [], B: [] });
    expect(b.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    expect(a.people(8)).toEqual([{ userId: 2, name: 'Luis', typing: false }]);
    // B dies: it relays nothing more, and A keeps its refreshes going.
    told.A.length = 0;
    for (let round = 0; round < 3; round++) (advance(REFRESH_MS), tickA!());
    expect(told.A).toEqual([]);
    advance(1);
    tickA!();
    expect(a.people(8)).toEqual([]);
    expect(told.A).toEqual([8]);
  });

  test('only ids, names and typing time left are relayed; malformed relays are ignored, long ones bounded', () => {
    const { a, b, relayed, hearOn, advance } = twoProcesses();
    a.view('s1', 7, { id: 1, name: 'Ana' });
    expect(relayed).toEqual([{ from: 'A', payload: { c: 7, e: [{ u: 1, n: 'Ana', t: 0 }] } }]);
    for (const junk of ['junk', null, { c: -1, e: [] }, { c: 7, e: [{ u: 'x', n: 'Eva', t: 0 }] }, { c: 7, e: 'Eva' }, { c: 7 }]) hearOn('B', junk, 'C');
    expect(b.people(7)).toEqual([{ userId: 1, name: 'Ana', typing: false }]);
    hearOn('B', { c: 9, e: [{ u: 3, n: 'Eva'.repeat(50), t: 99_999 }] }, 'C');
    expect(b.people(9)).toEqual([{ userId: 3, name: 'Eva'.repeat(50).slice(0, 80), typing: true }]);
    advance(TYPING_MS);
    expect(b.people(9)[0]?.typing).toBe(false);
  });
});
