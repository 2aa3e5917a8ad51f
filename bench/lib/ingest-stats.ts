/** @module bench/lib/ingest-stats — percentiles and rounding for the ingest benchmark's reports. */

export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles in milliseconds, rounded to 0.1 ms; all zero for an empty sample. */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: 0, p99: 0, p999: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round1(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: round1(sorted[sorted.length - 1]!) };
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
