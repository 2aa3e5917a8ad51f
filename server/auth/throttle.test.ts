/** @module server/auth/throttle.test — the sliding windows lock out and let go at the right moments. */
import { describe, expect, test } from 'bun:test';
import { createLoginThrottle } from './throttle';

function clock(start = 1_000_000) {
  let at = start;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

describe('login throttle', () => {
  test('locks an account after its limit and tells how long to wait', () => {
    const time = clock();
    const throttle = createLoginThrottle({ perAccount: { limit: 3, windowMs: 60_000 }, now: time.now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('Ana@B.co', '1.1.1.1')).toEqual({ allowed: true });
      throttle.recordFailure('Ana@B.co', '1.1.1.1');
      time.advance(10_000);
    }
    expect(throttle.check('ana@b.co ', '2.2.2.2')).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 30 });
    expect(throttle.check('other@b.co', '1.1.1.1')).toEqual({ allowed: true });
    time.advance(29_999);
    expect(throttle.check('ana@b.co', '1.1.1.1')).toMatchObject({ allowed: false });
    time.advance(1);
    // The oldest failure left the window: one more try is allowed, not three.
    expect(throttle.check('ana@b.co', '1.1.1.1')).toEqual({ allowed: true });
    throttle.recordFailure('ana@b.co', '1.1.1.1');
    expect(throttle.check('ana@b.co', '1.1.1.1')).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 10 });
  });

  test('locks an address that tries many accounts', () => {
    const time = clock();
    const throttle = createLoginThrottle({ perIp: { limit: 4, windowMs: 60_000 }, now: time.now });
    for (let i = 0; i < 4; i++) throttle.recordFailure(`user${i}@b.co`, '9.9.9.9');
    expect(throttle.check('new@b.co', '9.9.9.9')).toEqual({ allowed: false, scope: 'ip', retryAfterSeconds: 60 });
    expect(throttle.check('new@b.co', '8.8.8.8')).toEqual({ allowed: true });
    time.advance(60_000);
    expect(throttle.check('new@b.co', '9.9.9.9')).toEqual({ allowed: true });
  });

  test('a success clears the account but not the address', () => {
    const time = clock();
    const throttle = createLoginThrottle({ perAccount: { limit: 2, windowMs: 60_000 }, perIp: { limit: 3, windowMs: 60_000 }, now: time.now });
    throttle.recordFailure('a@b.co', 'ip');
    throttle.recordFailure('a@b.co', 'ip');
    expect(throttle.check('a@b.co', 'ip')).toMatchObject({ allowed: false, scope: 'account' });
    throttle.recordSuccess('a@b.co');
    expect(throttle.check('a@b.co', 'ip')).toEqual({ allowed: true });
    throttle.recordFailure('c@b.co', 'ip');
    expect(throttle.check('a@b.co', 'ip')).toMatchObject({ allowed: false, scope: 'ip' });
  });

  test('memory stays bounded: the oldest keys go first', () => {
    const time = clock();
    const throttle = createLoginThrottle({ perAccount: { limit: 1, windowMs: 60_000 }, maxKeys: 3, now: time.now });
    for (const name of ['a', 'b', 'c', 'd']) throttle.recordFailure(name, `ip-${name}`);
    expect(throttle.check('a', 'x')).toEqual({ allowed: true });
    expect(throttle.check('d', 'x')).toMatchObject({ allowed: false, scope: 'account' });
  });
});
