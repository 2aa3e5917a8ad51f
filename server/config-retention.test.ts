/** @module server/config-retention.test — RETENTION_* parsed, defaulted and refused with one clear line each. */
import { describe, expect, test } from 'bun:test';
import { ConfigError } from './config-env';
import { formatPeriod, parsePeriod, retentionConfig } from './config-retention';

describe('retentionConfig', () => {
  test('defaults: off, 6 months without a hand-off, 24 after one, 36 without a message, at 03:00 in Bogotá', () => {
    expect(retentionConfig({})).toEqual({
      enabled: false,
      periods: { closed_no_handoff: { count: 6, unit: 'mo' }, closed: { count: 24, unit: 'mo' }, inactive: { count: 36, unit: 'mo' } },
      hour: 3,
    });
  });

  test('periods in days, months or years, case and spaces forgiven, or off', () => {
    expect(parsePeriod('X', '30d')).toEqual({ count: 30, unit: 'd' });
    expect(parsePeriod('X', ' 18 MO ')).toEqual({ count: 18, unit: 'mo' });
    expect(parsePeriod('X', '2y')).toEqual({ count: 2, unit: 'y' });
    expect(parsePeriod('X', 'OFF')).toBeNull();
    expect(formatPeriod({ count: 6, unit: 'mo' })).toBe('6mo');
    expect(formatPeriod(null)).toBe('off');
    expect(retentionConfig({ RETENTION_INACTIVE: 'off', RETENTION_ENABLED: 'yes' })).toMatchObject({ enabled: true, periods: { inactive: null } });
  });

  test('a bad value names its variable, what it expects and what it got', () => {
    const refused = (env: Record<string, string>) => {
      try {
        retentionConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const expected = 'a period like 180d, 6mo or 2y (at least 30 days, at most 100 years), or off';
    expect(refused({ RETENTION_CLOSED: '6 months' })).toBe(`RETENTION_CLOSED: expected ${expected}, got "6 months"`);
    expect(refused({ RETENTION_CLOSED_NO_HANDOFF: '29d' })).toBe(`RETENTION_CLOSED_NO_HANDOFF: expected ${expected}, got "29d"`);
    expect(refused({ RETENTION_INACTIVE: '1mo' })).toBe(`RETENTION_INACTIVE: expected ${expected}, got "1mo"`);
    expect(refused({ RETENTION_INACTIVE: '101y' })).toBe(`RETENTION_INACTIVE: expected ${expected}, got "101y"`);
    expect(refused({ RETENTION_INACTIVE: '-3d' })).toBe(`RETENTION_INACTIVE: expected ${expected}, got "-3d"`);
    expect(refused({ RETENTION_ENABLED: 'maybe' })).toBe('RETENTION_ENABLED: expected true or false, got "maybe"');
    expect(refused({ RETENTION_HOUR: '24' })).toBe('RETENTION_HOUR: expected an integer from 0 to 23, got "24"');
  });
});
