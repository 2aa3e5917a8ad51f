/** @module server/jobs/send-pace.test — never more than maxMps starts in any second, at most twice the rate at a time, and a stall is caught up. */
import { describe, expect, test } from 'bun:test';
import { createSendPace, type SendPaceClock } from './send-pace';

/** The most times in any window of 1,000 ms (times ascending). */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** A virtual clock whose timers wake up to `early` ms before they are due, as real ones may. */
function virtualClock(early = 0): SendPaceClock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms - Math.min(early, ms / 2);
    },
  };
  return clock;
}

describe('send pace', () => {
  test('asked for more than the limit, no second holds more than maxMps starts, the limit is used, and never faster than twice the rate', async () => {
    for (const maxMps of [1, 5, 100, 1000]) {
      const clock = virtualClock(1);
      const pace = createSendPace(maxMps, clock);
      const starts: number[] = [];
      await Promise.all(Array.from({ length: maxMps * 4 + 1 }, () => pace.admit().then(() => starts.push(clock.now()))));
      expect(busiestSecond(starts)).toBe(maxMps);
      // 4 × maxMps + 1 starts take 4 s: every maxMps-th start comes a second after the one maxMps before it.
      expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(4000 - 1000 / maxMps);
      expect(starts.at(-1)! - starts[0]!).toBeLessThan(4000 + 1000 / maxMps);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1000 / maxMps / 2 - 1e-9);
    }
  });

  test('asked for exactly the limit with a stall, the sends catch up within the second instead of falling behind', async () => {
    const clock = virtualClock();
    const pace = createSendPace(100, clock);
    const starts: number[] = [];
    // One send asked for every 10 ms for 3 s, except a 200 ms stall after the first second (20 asks come late).
    for (let i = 0; i < 300; i++) {
      clock.t = Math.max(clock.t, i * 10);
      if (i === 100) clock.t += 200;
      await pace.admit();
      starts.push(clock.now());
    }
    expect(busiestSecond(starts)).toBeLessThanOrEqual(100);
    // The last send starts about when it was asked for (2,990 ms), not 200 ms late as with fixed spacing.
    expect(starts.at(-1)!).toBeLessThan(3000);
  });

  test('refuses a limit that is not a positive whole number', () => {
    expect(() => createSendPace(0)).toThrow(RangeError);
    expect(() => createSendPace(1.5)).toThrow(RangeError);
  });
});
