/** @module server/jobs/send-pace.test — never more than maxMps in any second, at most twice the rate at a time, and a stall is caught up. */
import { describe, expect, test } from 'bun:test';
import { createSendPace } from './send-pace';

/** The most slots in any window of 1,000 ms (slots sorted). */
function busiestSecond(slots: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < slots.length; i++) {
    while (slots[i]! - slots[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('send pace', () => {
  test('offered more than the limit, no second holds more than maxMps and the limit is reached', () => {
    let clock = 0;
    const pace = createSendPace(100, () => clock);
    const slots: number[] = [];
    // 1,000 sends asked for at once, then as each slot comes.
    for (let i = 0; i < 1000; i++) slots.push(pace.slot());
    expect(busiestSecond(slots)).toBe(100);
    // 1,000 sends at 100 a second take (a little under) 10 s: the limit is used, not just respected.
    expect(slots.at(-1)! - slots[0]!).toBeGreaterThan(9000);
    expect(slots.at(-1)! - slots[0]!).toBeLessThan(10_000);
    // Never faster than twice the rate: 5 ms apart at least.
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(5 - 1e-9);
  });

  test('offered exactly the limit with a stall, the sends catch up within the second instead of falling behind', () => {
    let clock = 0;
    const pace = createSendPace(100, () => clock);
    const slots: number[] = [];
    // One send asked for every 10 ms for 3 s, except a 200 ms stall after the first second (20 asks arrive late).
    for (let i = 0; i < 300; i++) {
      clock = Math.max(clock, i * 10);
      if (i === 100) clock += 200;
      const at = pace.slot();
      slots.push(at);
      clock = Math.max(clock, at);
    }
    expect(busiestSecond(slots)).toBeLessThanOrEqual(100);
    // The last send goes about when it was asked for (2,990 ms), not 200 ms late as with fixed spacing.
    expect(slots.at(-1)!).toBeLessThan(3000);
  });

  test('refuses a limit that is not a positive whole number', () => {
    expect(() => createSendPace(0)).toThrow(RangeError);
    expect(() => createSendPace(1.5)).toThrow(RangeError);
  });
});
