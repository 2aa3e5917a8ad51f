/** @module server/jobs/send-pace.test — never more than maxMps starts in any second, at most twice the rate at a time, and a stall is caught up. */
import { describe, expect, test } from 'bun:test';
import { createSendPace, SLOT_MARGIN_MS, type SendPaceClock } from './send-pace';

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
      for (let i = 0; i < maxMps * 4 + 1; i++) {
        await pace.admit();
        starts.push(clock.now());
      }
      expect(busiestSecond(starts)).toBe(maxMps);
      // 4 × maxMps + 1 starts take 4 s and a little: every maxMps-th start comes a second (and the margin) after.
      expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(4000);
      expect(starts.at(-1)! - starts[0]!).toBeLessThan(4000 + 4 * SLOT_MARGIN_MS + 1000 / maxMps);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1000 / maxMps / 2 - 1e-9);
    }
  });

  test('asked for close to the limit with a stall, the sends catch up within the second instead of falling behind', async () => {
    const clock = virtualClock(1);
    const pace = createSendPace(100, clock);
    const starts: number[] = [];
    // One send asked for every 10.5 ms (95 a second) for 3 s; after the first second the pipeline stalls for 200 ms,
    // and the 19 sends asked for meanwhile arrive together when it ends.
    const stallEnd = 95 * 10.5 + 200;
    let asked = 0;
    for (let i = 0; i < 286; i++) {
      asked = i * 10.5;
      clock.t = Math.max(clock.t, asked >= 95 * 10.5 && asked < stallEnd ? stallEnd : asked);
      await pace.admit();
      starts.push(clock.now());
    }
    expect(busiestSecond(starts)).toBeLessThanOrEqual(100);
    // The last send starts when it was asked for; spacing every send 10 ms apart would still be ~100 ms behind.
    expect(starts.at(-1)! - asked).toBeLessThan(1);
  });

  test("with a share of the number's limit (several processes), a process starts at most its part in any second, and follows the share as it changes", async () => {
    const clock = virtualClock(1);
    // Rates whose half-gaps are exact in binary (the virtual clock's early wake-ups halve the wait).
    let share = 1 / 4;
    const pace = createSendPace(80, clock, () => share);
    const starts: number[] = [];
    for (let i = 0; i < 20 * 3 + 1; i++) {
      await pace.admit();
      starts.push(clock.now());
    }
    expect(busiestSecond(starts)).toBe(20);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(3000);
    // Half the shards now: 40 a second from here on.
    share = 1 / 2;
    const later: number[] = [];
    for (let i = 0; i < 40 * 3; i++) {
      await pace.admit();
      later.push(clock.now());
    }
    expect(busiestSecond(later.slice(40))).toBe(40);
    // No shards: still one a second at most (it owns no conversation's messages anyway).
    share = 0;
    const none: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pace.admit();
      none.push(clock.now());
    }
    expect(busiestSecond(none)).toBe(1);
  });

  test('refuses a limit that is not a positive whole number', () => {
    expect(() => createSendPace(0)).toThrow(RangeError);
    expect(() => createSendPace(1.5)).toThrow(RangeError);
  });
});
