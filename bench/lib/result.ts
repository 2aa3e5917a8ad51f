/** @module bench/lib/result — what every benchmark scenario returns: a table, ratios against its same-run baseline, and notes. */

export interface Ratio {
  /** e.g. "ingest / pgbench single-row INSERT" */
  name: string;
  value: number;
  /** The target, e.g. ">= 1.0" — printed beside the measured value. */
  target: string;
  met: boolean;
}

export interface ScenarioResult {
  scenario: string;
  /** One row per measured configuration; keys are column headers. */
  rows: Record<string, string | number>[];
  ratios: Ratio[];
  notes: string[];
}

/** Options every scenario accepts: `quick` shrinks sizes for a smoke run (CI or a laptop check). */
export interface ScenarioOptions {
  quick?: boolean;
}
