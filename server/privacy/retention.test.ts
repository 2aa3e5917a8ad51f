/** @module server/privacy/retention.test — calendar cutoffs, which rule makes a conversation due, the masked number, the daily clock. */
import { describe, expect, test } from 'bun:test';
import { cutoffFor, cutoffsAt, maskPhone, ruleFor } from './retention';
import { bogotaHour, nextDailyRun } from './retention-run';

const at = (iso: string) => new Date(iso);

describe('cutoffFor', () => {
  test('days are 24-hour days; months and years are calendar ones, a month-end clamped', () => {
    expect(cutoffFor(at('2026-12-01T10:00:00Z'), { count: 30, unit: 'd' })).toEqual(at('2026-11-01T10:00:00Z'));
    expect(cutoffFor(at('2026-12-01T10:00:00Z'), { count: 6, unit: 'mo' })).toEqual(at('2026-06-01T10:00:00Z'));
    expect(cutoffFor(at('2026-12-01T10:00:00Z'), { count: 24, unit: 'mo' })).toEqual(at('2024-12-01T10:00:00Z'));
    expect(cutoffFor(at('2026-12-01T10:00:00Z'), { count: 2, unit: 'y' })).toEqual(at('2024-12-01T10:00:00Z'));
    expect(cutoffFor(at('2026-03-31T08:00:00Z'), { count: 1, unit: 'mo' })).toEqual(at('2026-02-28T08:00:00Z'));
    expect(cutoffFor(at('2028-02-29T08:00:00Z'), { count: 1, unit: 'y' })).toEqual(at('2027-02-28T08:00:00Z'));
    expect(cutoffFor(at('2026-01-15T00:00:00Z'), { count: 13, unit: 'mo' })).toEqual(at('2024-12-15T00:00:00Z'));
  });
});

describe('ruleFor', () => {
  const now = at('2026-12-01T10:00:00Z');
  const cutoffs = cutoffsAt(now, { periods: { closed_no_handoff: { count: 6, unit: 'mo' }, closed: { count: 24, unit: 'mo' }, inactive: { count: 36, unit: 'mo' } } });
  const facts = (status: string, handedOff: boolean, iso: string) => ({ status, handedOff, lastMessageAt: at(iso) });

  test('each rule at exactly its period, and not a millisecond before', () => {
    expect(ruleFor(facts('closed', false, '2026-06-01T10:00:00Z'), cutoffs)).toBe('closed_no_handoff');
    expect(ruleFor(facts('archived', false, '2026-06-01T10:00:00.001Z'), cutoffs)).toBeNull();
    expect(ruleFor(facts('archived', true, '2024-12-01T10:00:00Z'), cutoffs)).toBe('closed');
    expect(ruleFor(facts('closed', true, '2024-12-01T10:00:00.001Z'), cutoffs)).toBeNull();
    expect(ruleFor(facts('open', true, '2023-12-01T10:00:00Z'), cutoffs)).toBe('inactive');
    expect(ruleFor(facts('new', false, '2023-12-01T10:00:00.001Z'), cutoffs)).toBeNull();
  });

  test('a hand-off keeps a closed conversation for the longer period; an open one only the inactivity rule reaches', () => {
    expect(ruleFor(facts('closed', true, '2026-01-01T00:00:00Z'), cutoffs)).toBeNull();
    expect(ruleFor(facts('open', false, '2025-01-01T00:00:00Z'), cutoffs)).toBeNull();
    expect(ruleFor(facts('pending_form', false, '2020-01-01T00:00:00Z'), cutoffs)).toBe('inactive');
    // The first rule that applies names it.
    expect(ruleFor(facts('closed', false, '2020-01-01T00:00:00Z'), cutoffs)).toBe('closed_no_handoff');
  });

  test('a rule that is off never applies', () => {
    const some = cutoffsAt(now, { periods: { closed_no_handoff: null, closed: null, inactive: { count: 36, unit: 'mo' } } });
    expect(ruleFor(facts('closed', false, '2025-01-01T00:00:00Z'), some)).toBeNull();
    expect(ruleFor(facts('closed', false, '2020-01-01T00:00:00Z'), some)).toBe('inactive');
  });
});

test('maskPhone keeps the country code and the last two digits', () => {
  expect(maskPhone('+573001234567')).toBe('+57••••••••67');
  expect(maskPhone('1234')).toBe('••••');
});

test('the daily run: Bogotá hours (UTC−5), today at the hour until it ran, then tomorrow', () => {
  expect(bogotaHour(at('2026-12-01T07:59:00Z'))).toBe(2);
  expect(bogotaHour(at('2026-12-01T08:00:00Z'))).toBe(3);
  expect(nextDailyRun(at('2026-12-01T04:30:00Z'), 3, false)).toEqual(at('2026-11-30T08:00:00Z'));
  expect(nextDailyRun(at('2026-12-01T10:00:00Z'), 3, false)).toEqual(at('2026-12-01T08:00:00Z'));
  expect(nextDailyRun(at('2026-12-01T10:00:00Z'), 3, true)).toEqual(at('2026-12-02T08:00:00Z'));
});
