/** @module server/jobs/outbox.test — the outbox keeps enough sends in flight to reach its configured rate. */
import { describe, expect, test } from 'bun:test';
import { outboxInFlight } from './outbox';

describe('outbox sends in flight', () => {
  test("enough for the rate at half a second a send (Little's law), never fewer than 100", () => {
    expect(outboxInFlight(10)).toBe(100);
    expect(outboxInFlight(80)).toBe(100);
    expect(outboxInFlight(1000)).toBe(500);
    expect(outboxInFlight(333)).toBe(167);
  });
});
