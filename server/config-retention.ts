/**
 * @module server/config-retention — how long personal data is kept (Law 1581 Art. 4 lit. b, purpose, and Art. 11 /
 * Decree 1377 Art. 11, data kept only as long as the purpose needs it): one period per situation (RETENTION_*), the
 * switch that lets the daily job erase (RETENTION_ENABLED) and the hour it runs in Bogotá (RETENTION_HOUR).
 *
 * Periods are written `<n>d`, `<n>mo` or `<n>y` (days, calendar months, calendar years), or `off`; at least 30 days,
 * so a conversation with a message in the last month is never due, whatever is configured.
 */
import { boolean, ConfigError, integer, read, type Env } from './config-env';

/** The situations a conversation can be due in, in the order they are tried (the first that applies names the rule). */
export const RETENTION_RULES = ['closed_no_handoff', 'closed', 'inactive'] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];

/** A period of calendar time: `count` days, months or years. */
export interface RetentionPeriod {
  count: number;
  unit: 'd' | 'mo' | 'y';
}

export interface RetentionConfig {
  /** RETENTION_ENABLED: the daily job erases what is due; off, it only writes the day's dry-run report. */
  enabled: boolean;
  /** Each rule's period, null when the rule is off. */
  periods: Record<RetentionRule, RetentionPeriod | null>;
  /** RETENTION_HOUR: the hour (0–23, Bogotá) after which the day's run starts. */
  hour: number;
}

/** Each rule's variable and its default. */
export const RETENTION_VARIABLES: Record<RetentionRule, { name: string; fallback: string }> = {
  closed_no_handoff: { name: 'RETENTION_CLOSED_NO_HANDOFF', fallback: '6mo' },
  closed: { name: 'RETENTION_CLOSED', fallback: '24mo' },
  inactive: { name: 'RETENTION_INACTIVE', fallback: '36mo' },
};

const MIN_DAYS = 30;
const MAX_YEARS = 100;
const EXPECTED = `a period like 180d, 6mo or 2y (at least ${MIN_DAYS} days, at most ${MAX_YEARS} years), or off`;

/** Parses one period (`180d`, `6mo`, `2y`, `off`); null for off. @throws ConfigError naming `name`. */
export function parsePeriod(name: string, raw: string): RetentionPeriod | null {
  const text = raw.trim().toLowerCase();
  if (text === 'off') return null;
  const match = /^(\d{1,5})\s*(d|mo|y)$/.exec(text);
  if (!match) throw new ConfigError(name, EXPECTED, raw);
  const period = { count: Number(match[1]), unit: match[2] as RetentionPeriod['unit'] };
  const days = period.count * { d: 1, mo: 28, y: 365 }[period.unit];
  const years = period.count / { d: 365, mo: 12, y: 1 }[period.unit];
  if (days < MIN_DAYS || years > MAX_YEARS) throw new ConfigError(name, EXPECTED, raw);
  return period;
}

/** A period as written in the environment: `6mo`. */
export function formatPeriod(period: RetentionPeriod | null): string {
  return period ? `${period.count}${period.unit}` : 'off';
}

/**
 * The retention settings. Off by default (RETENTION_ENABLED=false): an agency that upgrades must not find people
 * erased without having decided it; the job still lists, every day, who would be erased (the admin page and the
 * audit log show it), so keeping data past its purpose is visible, not silent.
 * @throws ConfigError on the first bad value.
 */
export function retentionConfig(env: Env): RetentionConfig {
  const periods = Object.fromEntries(
    RETENTION_RULES.map((rule) => {
      const { name, fallback } = RETENTION_VARIABLES[rule];
      return [rule, parsePeriod(name, read(env, name) ?? fallback)];
    }),
  ) as Record<RetentionRule, RetentionPeriod | null>;
  return { enabled: boolean(env, 'RETENTION_ENABLED', false), periods, hour: integer(env, 'RETENTION_HOUR', 3, 0, 23) };
}
