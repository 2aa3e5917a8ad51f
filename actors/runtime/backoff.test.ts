/** @module actors/runtime/backoff.test — delay ceilings double, are capped, and jitter stays in the upper half */
import { describe, expect, test } from 'bun:test';
import { exponentialBackoff } from './backoff';

describe('exponentialBackoff', () => {
  test('the delay ceiling doubles per attempt and stops at the cap', () => {
    const highest = exponentialBackoff({ baseMs: 100, capMs: 1_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 10].map(highest)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  test('jitter never goes below half the ceiling', () => {
    const lowest = exponentialBackoff({ baseMs: 100, capMs: 1_000, random: () => 0 });
    expect([1, 2, 3, 4, 5].map(lowest)).toEqual([50, 100, 200, 400, 500]);
  });

  test('defaults: 100 ms first retry ceiling, 5 s cap', () => {
    const delay = exponentialBackoff();
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (attempt - 1));
      const ms = delay(attempt);
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    }
  });
});
