/** @module server/realtime/presence.test — typing that ends without a socket message is told to the listeners. */
import { describe, expect, test } from 'bun:test';
import { createPresence, TYPING_MS } from './presence';

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
