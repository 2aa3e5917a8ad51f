/** @module server/forms/rate-limit.test — the window slides, refusals say how long to wait, memory stays bounded. */
import { expect, test } from 'bun:test';
import { createRateLimiter } from './rate-limit';

test('allows `limit` hits per window, then refuses until the oldest hit leaves the window', () => {
  let now = 1_000_000;
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    expect(limiter.hit('a')).toEqual({ ok: true });
    now += 10_000;
  }
  expect(limiter.hit('a')).toEqual({ ok: false, retryAfterSec: 30 });
  expect(limiter.hit('b')).toEqual({ ok: true });
  now += 29_000;
  expect(limiter.hit('a').ok).toBe(false);
  now += 1_000;
  expect(limiter.hit('a')).toEqual({ ok: true });
  expect(limiter.hit('a').ok).toBe(false);
});

test('keeps at most maxKeys keys, dropping the least recently used', () => {
  const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, () => 0, 2);
  limiter.hit('a');
  limiter.hit('b');
  limiter.hit('a');
  limiter.hit('c');
  expect(limiter.size()).toBe(2);
  expect(limiter.hit('a').ok).toBe(false);
  expect(limiter.hit('b').ok).toBe(true);
});
